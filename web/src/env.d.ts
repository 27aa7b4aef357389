// Vite's own ambient types: CSS imports, import.meta.env.
/// <reference types="vite/client" />
