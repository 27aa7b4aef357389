// The staff workspaces a sign-in can open, one per path (`/clinician`, `/genomes`, …). Its own file, free
// of React, so the browser tests' harness names the same roles.
export type StaffRole =
  | 'clinician'
  | 'pharmacy'
  | 'supply'
  | 'privacy'
  | 'sponsor'
  | 'research'
  | 'insurer'
  | 'integration'
  | 'genomes';
