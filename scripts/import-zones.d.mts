// Types for scripts/import-zones.mjs (plain JavaScript so eslint.config.js can load it).
export declare const ZONES: Readonly<Record<string, readonly string[]>>;
export declare const KNOWN_BREACHES: readonly (readonly [string, string])[];
export declare function zoneOf(relativePath: string): string | null;
export declare function zoneViolation(from: string, to: string, typeOnly: boolean): string | null;
export declare function resolveSpecifier(
  root: string,
  importerAbsolute: string,
  specifier: string,
): string | null;
