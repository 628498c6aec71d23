import { describeReadme } from '@recur/tooling/readme';
import * as self from './index.js';

// Every ```ts block of the README runs as written against these sources.
describeReadme(new URL('../README.md', import.meta.url), {
  modules: {
    '@recur/onnx': self,
  },
  load: (name) => import(name),
});
