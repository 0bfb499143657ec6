/**
 * How a parser thread starts. Built (`npm start`, the CLI, the benches) the pool starts the
 * compiled `parser-worker.js` beside it. Under ts-jest there is no compiled file, only
 * TypeScript sources, which a worker thread cannot run; so the thread first teaches `require`
 * to load `.ts` files with TypeScript's own transpiler (a development dependency, never
 * needed in production), then loads `parser-worker.ts`.
 */
export const TYPESCRIPT_WORKER_BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
const fs = require('node:fs');
const ts = require(workerData.typescript);
require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      esModuleInterop: true,
      experimentalDecorators: true,
      inlineSourceMap: true,
    },
  });
  module._compile(outputText, filename);
};
require(workerData.entry);
`;
