// Test page script (bundled by esbuild's "testPages" target): the real WorkerClient, started
// exactly as in a webview, exposed to Playwright as window.probe(backend).
import { WorkerClient } from '../../src/webview/workerClient';
import type { BackendPreference } from '../../src/core/compute/backend';

const init = JSON.parse(document.body.dataset['init'] ?? '{}') as { workerUrl: string };
const client = new WorkerClient(init.workerUrl);
const violations: string[] = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));

Object.assign(window, {
  violations,
  async probe(backend: BackendPreference) {
    let started: string | undefined;
    const { result } = await client.run({ kind: 'probe' }, backend, { onStarted: (b) => (started = b) });
    const done = await result; // before reading `started`: it is set while the job runs
    return { started, result: done };
  },
});
document.body.dataset['ready'] = 'true';
