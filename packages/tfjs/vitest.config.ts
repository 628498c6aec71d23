import { sharedTestConfig } from '@recur/tooling/vitest';

export default sharedTestConfig;
