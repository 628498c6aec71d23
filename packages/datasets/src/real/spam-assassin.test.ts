import { describe, expect, it } from 'vitest';
import { loadSpamAssassin } from './spam-assassin.js';

describe('SpamAssassin', () => {
  const emails = loadSpamAssassin();

  it('has 6,046 labelled e-mails: 4,150 ham and 1,896 spam', () => {
    expect(emails).toHaveLength(6046);
    expect(emails.filter((e) => e.label === 1)).toHaveLength(1896);
    expect(emails.every((e) => (e.label === 1) === e.group.startsWith('spam'))).toBe(true);
    expect(emails.every((e) => e.labelName === (e.label === 1 ? 'spam' : 'ham'))).toBe(true);
  });

  it('strips the headers by default and keeps them with part: "full"', () => {
    const full = loadSpamAssassin({ part: 'full' });
    expect(full[0]!.text.startsWith('From ')).toBe(true);
    expect(emails[0]!.text.startsWith('From ')).toBe(false);
    expect(full[0]!.text.endsWith(emails[0]!.text)).toBe(true);
    expect(emails.filter((e) => /^Return-Path:/m.test(e.text.slice(0, 200))).length).toBeLessThan(
      60,
    );
  });
});
