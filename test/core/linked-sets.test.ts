import { describe, expect, it } from 'vitest';
import { LinkedSets } from '../../src/core/linked-sets.ts';

// The sets of campaigns and the classes or teams they reached (the page's and the Check evidence's
// small-group sums). A school's campaigns can chain thousands of keys into one set: finding a set's name
// must not recurse along the chain.

describe('LinkedSets', () => {
  it('keeps keys apart until something links them, then names one set', () => {
    const sets = new LinkedSets();
    sets.link('campaign:a', 'group:4A');
    sets.link('campaign:b', 'group:4B');
    expect(sets.root('campaign:a')).toBe(sets.root('group:4A'));
    expect(sets.root('campaign:a')).not.toBe(sets.root('campaign:b'));
    expect(sets.root('group:5C')).toBe('group:5C');
    sets.link('campaign:b', 'group:4A');
    expect(sets.root('group:4B')).toBe(sets.root('campaign:a'));
  });

  it('follows a chain of 200,000 links without running out of stack', () => {
    const sets = new LinkedSets();
    for (let i = 0; i < 200_000; i++) sets.link(`k${i}`, `k${i + 1}`);
    expect(sets.root('k0')).toBe(sets.root('k200000'));
  });
});
