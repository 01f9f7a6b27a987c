/**
 * Set by vite.config.ts at build time: true only in a development build
 * (`vite build --mode development`, what `npm start` serves). A production
 * build replaces it with false, and the minifier drops the code it guards.
 */
declare const __DEV_SIGN_IN__: boolean;
