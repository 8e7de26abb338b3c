import { describe, expect, it } from 'vitest';
import { MAX_ERROR_MESSAGE, ServiceError, shortMessage, toIpcError, withoutAbsolutePaths } from '../../../src/backend/services/errors';

describe('withoutAbsolutePaths', () => {
  it.each([
    ["ENOENT: no such file or directory, open '/home/ann/.config/Tegaki/models/abc.tgk'", "ENOENT: no such file or directory, open 'abc.tgk'"],
    ["EACCES: permission denied, mkdir '/home/Ann Smith/exports/'", "EACCES: permission denied, mkdir 'exports'"],
    ['cannot read /tmp/tegaki-x/models/abc.tgk: truncated', 'cannot read abc.tgk: truncated'],
    ['cannot read (/var/data/a.json)', 'cannot read (a.json)'],
    ["EPERM: operation not permitted, rename 'C:\\Users\\ann\\AppData\\Roaming\\Tegaki\\a.tmp' -> 'C:\\Users\\ann\\AppData\\Roaming\\Tegaki\\a.tgk'", "EPERM: operation not permitted, rename 'a.tmp' -> 'a.tgk'"],
    ['share \\\\server\\models\\b.tgk is offline', 'share b.tgk is offline'],
    ['bad page file:///opt/Tegaki/resources/app.asar/out/renderer/index.html', 'bad page index.html'],
  ])('%s', (message, expected) => {
    expect(withoutAbsolutePaths(message)).toBe(expected);
  });

  it('leaves what is not an absolute path alone', () => {
    for (const message of [
      'a model file is at most 64 MB',
      'learning rate 1/2 and/or 3 / 4',
      'models:import: see https://example.com/docs/a',
      'the samples file samples/mine.json is not valid',
    ]) {
      expect(withoutAbsolutePaths(message)).toBe(message);
    }
  });
});

describe('toIpcError: what reaches the renderer, and what goes to the log', () => {
  it("cuts an expected error's absolute path to the file's name and logs the full message", () => {
    const lines: string[] = [];
    const error = toIpcError(new ServiceError('invalid-model', 'cannot read /home/ann/Downloads/digits.tgk: bad magic'), (l) => lines.push(l));
    expect(error).toEqual({ code: 'invalid-model', message: 'cannot read digits.tgk: bad magic' });
    expect(lines.join('\n')).toContain('/home/ann/Downloads/digits.tgk');
  });

  it('sends an unexpected error as internal with a short message, its path and stack only in the log', () => {
    const lines: string[] = [];
    const failure = Object.assign(new Error("EISDIR: illegal operation on a directory, read '/home/ann/.config/Tegaki/models'"), { code: 'EISDIR' });
    const error = toIpcError(failure, (l) => lines.push(l));
    expect(error).toEqual({ code: 'internal', message: "EISDIR: illegal operation on a directory, read 'models'" });
    expect(error.message).not.toContain('/home');
    expect(lines.join('\n')).toContain("'/home/ann/.config/Tegaki/models'");
    expect(lines.join('\n')).toContain('errors.test.ts'); // the stack
  });

  it('keeps the first line only and at most MAX_ERROR_MESSAGE characters', () => {
    expect(shortMessage('first line\n    at /home/ann/x.js:1:1')).toBe('first line');
    const long = shortMessage('x'.repeat(5_000));
    expect(long.length).toBe(MAX_ERROR_MESSAGE);
    expect(long.endsWith('…')).toBe(true);
  });

  it('leaves a short message without paths exactly as it was, and logs nothing for it', () => {
    const lines: string[] = [];
    expect(toIpcError(new ServiceError('busy', 'a training job is already running'), (l) => lines.push(l))).toEqual({ code: 'busy', message: 'a training job is already running' });
    expect(lines).toEqual([]);
  });
});
