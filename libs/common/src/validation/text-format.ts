/** What a request value must look like, and the sentence a 400 answers when it does not. */
export interface TextFormat {
  readonly pattern: RegExp;
  readonly message: string;
}
