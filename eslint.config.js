// ESLint flat config. Its main job is the architecture rule: only src/platform/ may reach host
// APIs (node:* modules, worker threads, the process object). Everything else in src/ is portable
// between Node and the browser, and src/kernel and src/ipc stay free of host coupling.
import tseslint from 'typescript-eslint';

// Bare Node built-in names (matched exactly, so `./fs/tmpfs.js` is fine) and every `node:` module.
const hostModules = [
  'fs', 'fs/promises', 'path', 'os', 'child_process', 'worker_threads', 'net', 'tty', 'dgram', 'dns',
  'crypto', 'url', 'util', 'stream', 'process', 'events', 'module', 'perf_hooks', 'http', 'https', 'v8', 'vm',
];
const hostMessage = 'Only src/platform/ may import host modules; take the capability through a platform interface instead.';

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
      'no-restricted-globals': ['error',
        { name: 'process', message: 'Host process object: only src/platform/ may use it.' },
        { name: 'require', message: 'Only src/platform/ may load host modules.' },
        { name: 'Buffer', message: 'Use Uint8Array; Buffer is a Node host type.' },
        { name: '__dirname', message: 'Host path: only src/platform/.' },
      ],
      'no-console': 'error',
    },
  },
);
