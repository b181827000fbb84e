// The pool's worker entry when kmersearch runs from its TypeScript sources (vitest, tsx); dist uses worker.js.
// tsx's loader flags do not register ES module hooks in worker threads on Node 20, and its CommonJS hook would
// turn worker.ts into slower CommonJS, so this plain module registers tsx's ESM loader in the thread itself and
// then loads worker.ts as an ES module.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./worker.ts');

export default worker.default;
