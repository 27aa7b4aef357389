// Saves JSON the app made (a recovery file, the patient's FHIR Bundle) as a download; nothing is sent.
export function downloadJson(filename: string, value: unknown, type = 'application/json'): void {
  const blob = new Blob([JSON.stringify(value, null, 2) + '\n'], { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
