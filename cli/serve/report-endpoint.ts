// The PDF report over HTTP. A page never names an output path: `POST /api/report` renders the report into a fresh
// temporary folder and streams the PDF back as a download, then deletes it. Progress is polled by job id
// (`GET /api/report-progress?job=…`) and `POST /api/report-cancel` with `[job]` stops it, as does the page dropping
// the request.
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProjectApi } from '../../core/api';
import { checkReportRequest } from '../../core/api-args';

/** The report body carries the viewer's snapshots (base64 PNGs): far larger than other calls. */
export const MAX_REPORT_BODY_BYTES = 96 << 20;

export interface ReportProgress {
  job: string | null;
  running: boolean;
  done: number;
  total: number;
}

export interface ReportEndpoint {
  /** Renders and streams the report; throws (before any byte is sent) on a bad request, a cancel or a failure. */
  export(res: ServerResponse, body: unknown, job: string | null): Promise<void>;
  progress(job: string | null): ReportProgress;
  cancel(job: unknown): boolean;
}

export class ReportBusyError extends Error {
  override name = 'ReportBusyError';
}

export function reportEndpoint(project: ProjectApi): ReportEndpoint {
  const state: ReportProgress = { job: null, running: false, done: 0, total: 0 };
  let abort: AbortController | null = null;
  /** Jobs cancelled before their request arrived (the two race): refused when they come. */
  const cancelled = new Set<string>();

  return {
    async export(res, body, job) {
      const [runId, request] = checkReportRequest(body);
      if (abort) throw new ReportBusyError('a report is already being written; cancel it or wait');
      abort = new AbortController();
      const signal = abort.signal;
      Object.assign(state, { job, running: true, done: 0, total: 0 });
      if (job !== null && cancelled.delete(job)) abort.abort();
      // The page gave up (fetch aborted, tab closed): stop rendering for nobody.
      const controller = abort;
      res.once('close', () => {
        if (!res.writableFinished) controller.abort();
      });
      const dir = await mkdtemp(join(tmpdir(), 'voxwatch-report-'));
      try {
        const outPath = join(dir, 'report.pdf');
        const result = await project.exportReport(
          runId,
          { ...request, outPath },
          {
            signal,
            onProgress: (p) => Object.assign(state, p),
          },
        );
        const name = `voxwatch-run${result.runId}-${request.lang}.pdf`;
        res.writeHead(200, {
          'Content-Type': 'application/pdf',
          'Content-Length': result.bytes,
          'Content-Disposition': `attachment; filename="${name}"`,
          'Cache-Control': 'no-store',
          'X-Content-Type-Options': 'nosniff',
          'X-VoxWatch-Report': JSON.stringify({ runId: result.runId, changes: result.changes, pages: result.pages }),
        });
        await new Promise<void>((resolve, reject) => {
          const stream = createReadStream(outPath);
          stream.once('error', reject);
          res.once('close', () => resolve());
          stream.pipe(res);
        });
      } finally {
        Object.assign(state, { running: false });
        abort = null;
        await rm(dir, { recursive: true, force: true });
      }
    },
    progress(job) {
      return job === null || job === state.job ? { ...state } : { job, running: false, done: 0, total: 0 };
    },
    cancel(job) {
      if (typeof job !== 'string') return false;
      if (job === state.job && abort) {
        abort.abort();
        return true;
      }
      if (cancelled.size > 100) cancelled.clear();
      cancelled.add(job.slice(0, 64));
      return true;
    },
  };
}
