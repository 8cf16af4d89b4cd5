// The PDF report over IPC. The page sends what goes in the report (run, language, filter, author, its 3D
// snapshots) but never a path: the main process asks the user where to save it with a native dialog, then calls
// ProjectApi.exportReport. Progress goes to the window on its own channel; cancelReport stops the running one.
import type { ReportResult } from '../core/api';
import { RefusedError } from '../core/api-failure';
import { checkReportRequest } from '../core/api-args';
import type { IpcHandler } from './ipc';
import type { OpenProject } from './project-ipc';

/** Sent to the window while a report is written: `{ done, total }` (change sections). */
export const REPORT_PROGRESS_CHANNEL = 'voxwatch:report-progress';

/** Asks where to save the report (a native save dialog); null when the user cancels. */
export type AskReportPath = (suggestedName: string) => Promise<string | null>;

/** A file name from the project's name: letters and CJK kept, anything a file system may refuse replaced. */
export function reportFileName(projectName: string, runId: number | null, lang: string): string {
  const printable = [...projectName].filter((ch) => ch.charCodeAt(0) >= 0x20).join('');
  const base =
    printable
      .replace(/[\\/:*?"<>|]+/g, '_')
      .trim()
      .slice(0, 80) || 'voxwatch';
  return `${base}${runId === null ? '' : `-run${runId}`}-${lang}.pdf`;
}

export function reportHandlers(
  current: () => OpenProject | null,
  send: (channel: string, payload: unknown) => void,
  askPath: AskReportPath,
): Record<string, IpcHandler> {
  let running: AbortController | null = null;
  return {
    /** Resolves with the written report, or null when the user cancelled the save dialog. */
    exportReport: async (...raw): Promise<ReportResult | null> => {
      const [runId, request] = checkReportRequest(raw);
      const project = current();
      if (!project) throw new RefusedError('no project is open: File › Open Project…');
      if (running) throw new RefusedError('a report is already being written; cancel it or wait');
      const info = await project.api.info();
      const outPath = await askPath(reportFileName(info.name, runId ?? info.runs.at(-1)?.id ?? null, request.lang));
      if (!outPath) return null;
      running = new AbortController();
      try {
        return await project.api.exportReport(
          runId,
          { ...request, outPath },
          { signal: running.signal, onProgress: (p) => send(REPORT_PROGRESS_CHANNEL, p) },
        );
      } finally {
        running = null;
      }
    },
    cancelReport: () => {
      const wasRunning = running !== null;
      running?.abort();
      return wasRunning;
    },
  };
}
