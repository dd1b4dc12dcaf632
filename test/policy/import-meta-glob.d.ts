// Vite's import.meta.glob (vitest transforms it in both the node and the workers projects).
interface ImportMeta {
  glob<T = unknown>(
    pattern: string | string[],
    options: { eager: true; import: 'default'; query?: string },
  ): Record<string, T>;
}
