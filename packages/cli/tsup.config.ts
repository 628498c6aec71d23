import { executableConfig } from '@recur/tooling/tsup';

// The `recur` executable: dist/main.js, with the commands in chunks loaded when used.
export default executableConfig({ main: 'src/main.ts' });
