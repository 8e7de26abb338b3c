/**
 * The app window's size when first opened, and the smallest the layout promises to work
 * in: the main window's options (src/main/window.ts) and the browser tests' viewports.
 */
export const WINDOW_SIZE = { width: 1280, height: 800 };
export const MIN_WINDOW_SIZE = { width: 1024, height: 700 };
