/**
 * Every run numbers its changes from C001, so run 2's C003 is another structure than run 1's. A change of another run
 * than the one being talked about is named with its run: "run 2 C003", several of one run "run 2 C001, C003". It is
 * the form a carried verdict's source has always had (ChangeRecord.verdictCarriedFrom), which the review UI and the
 * report read by its leading `run N `. A change of the run being talked about keeps its bare id.
 */
export function ofRun(runId: number, codes: string | readonly string[]): string {
  return `run ${runId} ${(typeof codes === 'string' ? [codes] : codes).join(', ')}`;
}

/**
 * The same in Chinese, as the report and the reasons name a run: 批次 2 C003, several 批次 2 C001、C003.
 * Anything else (the bare ids a project checked before kept) is given back as written.
 */
export function ofRunZh(text: string): string {
  const m = /^run (\d+) (C\d+(?:, C\d+)*)$/.exec(text);
  return m ? `批次 ${m[1]} ${m[2].split(', ').join('、')}` : text;
}
