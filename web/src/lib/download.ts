// Saves what the app made or fetched (a recovery file, the patient's FHIR Bundle, a proof file) as a
// download; nothing is sent.
export function downloadText(filename: string, text: string, type = 'text/plain'): void {
  const blob = new Blob([text], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadJson(filename: string, value: unknown, type = 'application/json'): void {
  downloadText(filename, JSON.stringify(value, null, 2) + '\n', type);
}
