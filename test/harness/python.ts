// Runs one of test/independent's Python checkers: with the machine's python3 where there is one, else
// the same script under Pyodide (CPython compiled to WebAssembly, installed from npm), so that `npm test`
// needs nothing but Node.js and npm (issue 13's fresh container). The checkers use only the standard
// library, which Pyodide carries in its package; nothing is downloaded at run time.
// CARECHAIN_PYTHON=pyodide forces the WebAssembly interpreter everywhere (to try a Node-only run).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

type Pyodide = Awaited<ReturnType<(typeof import('pyodide'))['loadPyodide']>>;
let pyodide: Promise<Pyodide> | undefined;

/** The script's stdout for `input` on its stdin; throws with its stderr when it exits non-zero. */
export async function runPython(script: string, input: string): Promise<string> {
  if (process.env.CARECHAIN_PYTHON !== 'pyodide') {
    const native = spawnSync('python3', [script], { input, encoding: 'utf8' });
    if (native.error === undefined) {
      if (native.status !== 0) throw new Error(`${script} failed: ${native.stderr}`);
      return native.stdout;
    }
    if ((native.error as NodeJS.ErrnoException).code !== 'ENOENT') throw native.error;
  }
  return runUnderPyodide(script, input);
}

/** The same as runPython, always under Pyodide. */
export async function runUnderPyodide(script: string, input: string): Promise<string> {
  pyodide ??= import('pyodide').then(({ loadPyodide }) => loadPyodide());
  const py = await pyodide;
  py.globals.set('cc_source', readFileSync(script, 'utf8'));
  py.globals.set('cc_path', resolve(script));
  py.globals.set('cc_input', input);
  // The script runs as __main__ with stdin and stdout swapped for strings; sys.exit is its exit status.
  const [status, stdout, stderr] = py
    .runPython(
      `
import io, sys, traceback
_in, _out, _err = sys.stdin, sys.stdout, sys.stderr
sys.stdin, sys.stdout, sys.stderr = io.StringIO(cc_input), io.StringIO(), io.StringIO()
cc_status = 0
try:
    exec(compile(cc_source, cc_path, "exec"), {"__name__": "__main__"})
except SystemExit as e:
    cc_status = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
except BaseException:
    traceback.print_exc()
    cc_status = 1
cc_result = (cc_status, sys.stdout.getvalue(), sys.stderr.getvalue())
sys.stdin, sys.stdout, sys.stderr = _in, _out, _err
cc_result
`,
    )
    .toJs() as [number, string, string];
  if (status !== 0) throw new Error(`${script} failed under Pyodide: ${stderr}`);
  return stdout;
}
