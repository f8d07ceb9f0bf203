import { errorText } from './error-text';

describe(errorText.name, () => {
  it("gives an Error's message", () => {
    expect(errorText(new TypeError('bad value'))).toBe('bad value');
  });

  it('gives the message of an error-like object and the text of anything else', () => {
    expect(errorText({ message: 'from a driver' })).toBe('from a driver');
    expect(errorText('plain text')).toBe('plain text');
    expect(errorText(undefined)).toBe('undefined');
  });
});
