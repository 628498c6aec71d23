/** Built by the `recur:moby-dick-excerpt` plugin in `vite.config.ts`. */
declare module 'virtual:moby-dick-excerpt' {
  /** The first ~200 KB of Moby Dick (chapter 1 on), cut at a paragraph break. */
  export const excerpt: string;
  /** Characters in the whole book file the excerpt was cut from. */
  export const bookCharacters: number;
}

/** Built by the `recur:sensor-series` plugin in `vite.config.ts`. */
declare module 'virtual:sensor-series' {
  /** `['humidity', 'temperature']`. */
  export const columns: string[];
  /** Mote 3's readings, step-major: humidity, temperature, humidity, … (5,039 steps). */
  export const values: number[];
}
