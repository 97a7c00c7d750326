// The training loop lives in src/node/trainPending.ts, shared with the extension host's sweep runner.
export { trainPending, type TrainHooksCli } from '../node/trainPending';
