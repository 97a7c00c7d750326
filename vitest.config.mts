import { defineConfig } from 'vitest/config';

// Unit layers, all in Node: the core (pure), the Node helpers and CLI, and the contract (protocol
// samples) in the "node" project; the webview's DOM code under happy-dom in the "webview" project.
export default defineConfig({
  test: {
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/{core,node,nodeWorker,cli,shared,extension}/**/*.test.ts'],
          environment: 'node',
          // The CLI tests run the real bundle: build it first.
          globalSetup: ['test/globalSetup.ts'],
        },
      },
      {
        extends: true,
        test: { name: 'webview', include: ['test/webview/**/*.test.ts'], environment: 'happy-dom' },
      },
    ],
  },
});
