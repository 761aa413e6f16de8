// ESLint flat config. Its main job is the architecture rule: only src/platform/ may reach host
// APIs (node:* modules, worker threads, the process object). Everything else in src/ is portable
// between Node and the browser, and src/kernel and src/ipc stay free of host coupling. The browser
// platform (and the page in web/) may use neither Node modules nor the Node platform.
import tseslint from 'typescript-eslint';

// Bare Node built-in names (matched exactly, so `./fs/tmpfs.js` is fine) and every `node:` module.
const hostModules = [
  'fs', 'fs/promises', 'path', 'os', 'child_process', 'worker_threads', 'net', 'tty', 'dgram', 'dns',
  'crypto', 'url', 'util', 'stream', 'process', 'events', 'module', 'perf_hooks', 'http', 'https', 'v8', 'vm',
];
const hostMessage = 'Only src/platform/ may import host modules; take the capability through a platform interface instead.';

/** Globals portable code may not use: the Node process's and the browser page's. */
const portableGlobals = [
  { name: 'process', message: 'Host process object: only src/platform/ may use it.' },
  { name: 'require', message: 'Only src/platform/ may load host modules.' },
  { name: 'Buffer', message: 'Use Uint8Array; Buffer is a Node host type.' },
  { name: '__dirname', message: 'Host path: only src/platform/.' },
  ...['window', 'document', 'self', 'navigator', 'localStorage'].map((name) => ({ name, message: 'Browser host object: only src/platform/browser may use it.' })),
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'programs/c/build/**'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser },
    plugins: { '@typescript-eslint': tseslint.plugin },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/platform/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: hostModules.map((name) => ({ name, message: hostMessage })),
        patterns: [{ group: ['node:*'], message: hostMessage }],
      }],
      'no-restricted-globals': ['error', ...portableGlobals],
      'no-console': 'error',
    },
  },
  {
    // Keel's own programs are synchronous: a program's thread is reused once main returns
    // (wasm-process.ts), which is only safe if nothing of it can run on after that.
    files: ['src/programs/**/*.ts'],
    ignores: ['src/programs/registry.ts'],
    rules: {
      'no-restricted-globals': ['error',
        ...portableGlobals,
        ...['setTimeout', 'setInterval', 'setImmediate', 'queueMicrotask', 'Promise'].map((name) => ({ name, message: 'Keel programs are synchronous (their threads are reused when main returns): use sys calls.' })),
      ],
      'no-restricted-syntax': ['error',
        { selector: ':function[async=true]', message: 'Keel programs are synchronous (their threads are reused when main returns).' },
        { selector: 'AwaitExpression', message: 'Keel programs are synchronous (their threads are reused when main returns).' },
      ],
    },
  },
  {
    // What both platforms share (the pooled thread host) is portable: no host module, no host
    // global, and neither platform's code.
    files: ['src/platform/common/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: hostModules.map((name) => ({ name, message: hostMessage })),
        patterns: [
          { group: ['node:*'], message: hostMessage },
          { group: ['../node/*', '../browser/*', '**/platform/node/**', '**/platform/browser/**'], message: 'Shared platform code depends on neither platform.' },
        ],
      }],
      'no-restricted-globals': ['error', ...portableGlobals],
      'no-console': 'error',
    },
  },
  {
    // The browser platform runs where there is no Node: no Node modules, no Node globals, and
    // nothing from the Node platform.
    files: ['src/platform/browser/**/*.ts', 'web/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: hostModules.map((name) => ({ name, message: 'A Node module: the browser platform cannot use it.' })),
        patterns: [
          { group: ['node:*'], message: 'A Node module: the browser platform cannot use it.' },
          { group: ['**/platform/node/**', '../node/*'], message: 'The browser platform must not depend on the Node platform.' },
        ],
      }],
      'no-restricted-globals': ['error',
        { name: 'process', message: 'No process object in a browser.' },
        { name: 'Buffer', message: 'No Buffer in a browser: use Uint8Array.' },
        { name: 'require', message: 'No require in a browser.' },
      ],
    },
  },
);
