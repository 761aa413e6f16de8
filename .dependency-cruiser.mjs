// The layering of src/, as dependency-cruiser rules. `npm run layers` checks src/ against them
// (test/lint/check-layers.ts, which adds the directory-cycle check this tool cannot express);
// test/lint/layers.test.ts proves each rule fires; docs/architecture.md ("Layers") explains them.
//
// Layers, bottom to top. A folder may import only the folders listed for it (and itself); the
// lists are stricter than "anything below": a layer takes only what it needs. Type-only imports
// count (`tsPreCompilationDeps`): a type is a dependency of the design even if tsc erases it.
// src/platform/ is the top and may import anything (the eslint rule keeps host APIs there).

/** Folder under src/ → the folders under src/ it may import besides itself. */
export const layers = [
  ['abi', []], // the leaf: what both sides of every call share
  ['ipc', ['abi']],
  ['kernel', ['abi', 'ipc']],
  ['host', ['abi']],
  ['services', ['abi', 'ipc', 'host']],
  ['runtime', ['abi', 'ipc', 'host']],
  ['sys', ['abi', 'ipc', 'runtime']],
  ['programs', ['abi', 'sys']],
  ['thread', ['abi', 'ipc', 'host', 'runtime', 'sys', 'services', 'programs']],
  ['manifest', ['abi', 'services', 'programs']],
  ['system', ['abi', 'ipc', 'kernel', 'host', 'services', 'runtime', 'sys', 'programs', 'thread', 'manifest']],
  ['api', ['abi', 'ipc', 'kernel', 'host', 'services', 'runtime', 'sys', 'programs', 'thread', 'manifest', 'system']],
  ['cli', ['abi', 'api', 'manifest']],
];

/**
 * Folders of src/services/ that hold no kind but what the kinds share; a kind may import them,
 * and they may import no kind.
 */
export const sharedServiceFolders = ['fs', 'contract'];

const folderPath = (name) => `^src/${name}/`;
const knownFolders = [...layers.map(([name]) => name), 'platform', 'types'];

/** One rule per layer: from the folder, nothing in src/ but itself and what it may import. */
const layerRule = ([name, below]) => ({
  name: `layer-${name}`,
  comment: below.length === 0
    ? `src/${name}/ is the leaf: it imports nothing of the project outside itself.`
    : `src/${name}/ may import only ${below.map((b) => `${b}/`).join(', ')}.`,
  severity: 'error',
  from: { path: folderPath(name) },
  to: { path: '^src/', pathNot: [folderPath(name), ...below.map(folderPath)] },
});

/** @type {import('dependency-cruiser').IConfiguration} */
export default {
  forbidden: [
    ...layers.map(layerRule),
    {
      name: 'service-kinds-apart',
      comment: 'A service kind folder (vfs, tmpfs, ...) imports only itself and the shared folders '
        + `(${sharedServiceFolders.map((f) => `src/services/${f}/`).join(', ')}), which import no kind; `
        + 'only the registry files src/services/*.ts import every kind.',
      severity: 'error',
      from: { path: '^src/services/([^/]+)/' },
      to: { path: '^src/services/', pathNot: ['^src/services/$1/', ...sharedServiceFolders.map((f) => folderPath(`services/${f}`))] },
    },
    {
      name: 'programs-through-registry',
      comment: 'Outside src/programs/ (and the platform), a program is reached only through '
        + 'src/programs/registry.ts, which loads bin/NAME.js by name, and its name checked through '
        + 'src/programs/program-names.ts.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(programs|platform)/' },
      to: { path: '^src/programs/', pathNot: '^src/programs/(registry|program-names)[.]ts$' },
    },
    {
      name: 'folder-has-a-layer',
      comment: `Every folder of src/ that imports anything is one of the layers (${knownFolders.join(', ')}): `
        + 'a new folder needs its own rule here first.',
      severity: 'error',
      from: { path: '^src/', pathNot: knownFolders.map(folderPath) },
      to: {},
    },
    {
      name: 'src-stands-alone',
      comment: 'The shipped code imports nothing of the tests, benchmarks, page or scripts.',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^(test|bench|web|scripts|bin|dist)/' },
    },
    {
      name: 'no-file-cycle',
      comment: 'No cycle between files, type-only imports included. The interpreters (sh, awk) are exempt: '
        + 'a command contains lists, a list runs commands, and expansion runs command substitutions, so '
        + 'its files recurse into each other by the grammar itself; the folder as a whole must still '
        + 'sit in its layer.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/programs/(sh|awk)/' },
      to: { circular: true },
    },
    {
      name: 'no-folder-cycle',
      comment: 'No cycle between folders, each taken with all it contains. (A cycle between a folder and '
        + 'one inside it is the directory-cycle check of test/lint/layer-check.ts.)',
      severity: 'error',
      scope: 'folder',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'resolvable',
      comment: 'Every import resolves to a file: an import the checker cannot follow is one it cannot judge.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    // Follow package.json "exports" (fflate/browser is a subpath export).
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
    reporterOptions: {
      archi: {
        // The layer picture (npm run layers:svg): one box per folder, service kinds and the
        // platforms apart, importers above what they import.
        collapsePattern: '^src/(services|platform)/[^/]+/|^src/[^/]+/',
        theme: {
          graph: { rankdir: 'TB', splines: 'true', ranksep: '0.4', nodesep: '0.25' },
          modules: [
            { criteria: { source: '^src/services/$' }, attributes: { label: 'services/*.ts (kind registry)' } },
            { criteria: { source: '^src/abi/$' }, attributes: { fillcolor: '#ccffcc' } },
            { criteria: { source: '^src/platform/' }, attributes: { fillcolor: '#ddeeff' } },
            { criteria: { source: '^src/' }, attributes: { fillcolor: '#ffffcc' } },
          ],
        },
      },
    },
  },
};
