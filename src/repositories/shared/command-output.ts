/**
 * Dialect-neutral rules of output uploads: which chunks are new, repeated or conflicting, what the cap
 * lets through, and how stored chunks assemble into contiguous output. Offsets and lengths are UTF-8 bytes.
 */
import { and, eq, gt, lt, sql, type SQL } from 'drizzle-orm';
import type { Execution, OutputChunk, OutputStream, StoredChunk } from '../../domain/command.ts';
import type { commandOutput as pgOutput } from '../postgres/schema.ts';
import type { commandOutput as sqliteOutput } from '../sqlite/schema.ts';

type OutputTable = typeof sqliteOutput | typeof pgOutput;

/** Chunks of an execution's stream(s) ending after `from` and starting before `to`. */
export function chunksWhere(o: OutputTable, e: { tenantId: string; agentId: string; commandId: string }, range: { from: number; to?: number }, stream?: OutputStream): SQL | undefined {
  return and(
    eq(o.tenantId, e.tenantId),
    eq(o.commandId, e.commandId),
    eq(o.agentId, e.agentId),
    stream ? eq(o.stream, stream) : undefined,
    gt(sql`${o.offset} + ${o.length}`, range.from),
    range.to === undefined ? undefined : lt(o.offset, range.to),
  );
}

/** `new` chunks bring `fresh` bytes no stored chunk of the stream covers. */
export type ChunkVerdict = { kind: 'new'; fresh: number } | { kind: 'duplicate' } | { kind: 'conflict' };

export function byteLength(data: string): number {
  return Buffer.byteLength(data, 'utf8');
}

/**
 * Compares a chunk with the chunks of its stream it overlaps. Where both hold bytes they must be equal
 * (else a conflict); chunks counted past the cap hold none, so only their position is compared.
 */
export function judgeChunk(chunk: OutputChunk, overlapping: readonly StoredChunk[]): ChunkVerdict {
  const bytes = Buffer.from(chunk.data, 'utf8');
  const end = chunk.offset + bytes.length;
  let covered = 0;
  for (const other of overlapping) {
    if (other.offset === chunk.offset && other.length === bytes.length && (other.dropped || other.data === chunk.data)) return { kind: 'duplicate' };
    const from = Math.max(chunk.offset, other.offset);
    const to = Math.min(end, other.offset + other.length);
    if (from >= to) continue;
    covered += to - from;
    if (other.dropped) continue;
    const theirs = Buffer.from(other.data, 'utf8').subarray(from - other.offset, to - other.offset);
    if (!bytes.subarray(from - chunk.offset, to - chunk.offset).equals(theirs)) return { kind: 'conflict' };
  }
  return { kind: 'new', fresh: Math.max(0, bytes.length - covered) };
}

/** Chunks of one upload in stream and offset order, so that the cap keeps the earliest bytes. */
export function orderedChunks(chunks: readonly OutputChunk[]): OutputChunk[] {
  return [...chunks].sort((a, b) => (a.stream === b.stream ? a.offset - b.offset : a.stream < b.stream ? -1 : 1));
}

/** The columns an upload changes on its execution: counts, the cap's verdict, and `running` once output arrives. */
export function outputChanges(current: Execution, added: { total: number; stored: number; dropped: boolean }, now: Date) {
  const state = current.state === 'delivered' ? ('running' as const) : current.state;
  return { outputBytes: current.outputBytes + added.total, storedBytes: current.storedBytes + added.stored, truncated: current.truncated || added.dropped, state, updatedAt: now };
}

/** What the cap leaves of a new chunk: stored whole while it fits, otherwise counted only (a chunk is never split). */
export function admit(chunk: OutputChunk, length: number, fresh: number, storedSoFar: number, cap: number): StoredChunk {
  const fits = storedSoFar + fresh <= cap;
  return { ...chunk, data: fits ? chunk.data : '', length, dropped: !fits };
}

/** Whether an execution takes output: it was delivered (and may have ended; late chunks still count). */
export function takesOutput(e: Execution): boolean {
  return e.state === 'delivered' || e.state === 'running' || e.state === 'succeeded' || e.state === 'failed' || e.state === 'timed_out';
}

/** Contiguous output of a stream from `fromOffset`: stops at the first gap. */
export function assemble(chunks: readonly StoredChunk[], fromOffset: number): { data: string; nextOffset: number } {
  const parts: Buffer[] = [];
  let position = fromOffset;
  for (const c of [...chunks].sort((a, b) => a.offset - b.offset)) {
    if (c.offset > position || c.dropped) break;
    const end = c.offset + c.length;
    if (end <= position) continue;
    parts.push(Buffer.from(c.data, 'utf8').subarray(position - c.offset));
    position = end;
  }
  return { data: Buffer.concat(parts).toString('utf8'), nextOffset: position };
}

/** What an upload will write: the rows to insert and what they add to the execution's counts. */
export type UploadPlan =
  | { kind: 'conflict'; stream: OutputChunk['stream']; offset: number }
  | { kind: 'plan'; rows: StoredChunk[]; duplicates: number; added: { total: number; stored: number; dropped: boolean } };

/**
 * Judges every chunk of an upload against the stored chunks it may overlap (`stored`: those of the
 * upload's range) and the upload's earlier chunks, before anything is written: one conflict rejects the
 * whole upload.
 */
export function planUpload(execution: Execution, chunks: readonly OutputChunk[], stored: readonly StoredChunk[], cap: number): UploadPlan {
  const rows: StoredChunk[] = [];
  const added = { total: 0, stored: 0, dropped: false };
  let duplicates = 0;
  let storedSoFar = execution.storedBytes;
  for (const chunk of orderedChunks(chunks)) {
    const length = byteLength(chunk.data);
    const overlapping = [...stored, ...rows].filter((o) => o.stream === chunk.stream && o.offset < chunk.offset + length && o.offset + o.length > chunk.offset);
    const verdict = judgeChunk(chunk, overlapping);
    if (verdict.kind === 'conflict') return { kind: 'conflict', stream: chunk.stream, offset: chunk.offset };
    if (verdict.kind === 'duplicate') {
      duplicates++;
      continue;
    }
    // Counts are of distinct bytes: a chunk re-sending part of stored output adds only what is new.
    const row = admit(chunk, length, verdict.fresh, storedSoFar, cap);
    rows.push(row);
    added.total += verdict.fresh;
    if (row.dropped) added.dropped = true;
    else {
      storedSoFar += verdict.fresh;
      added.stored += verdict.fresh;
    }
  }
  return { kind: 'plan', rows, duplicates, added };
}

/** The byte range of an upload (lowest offset, highest end), to fetch the stored chunks it may overlap. */
export function uploadRange(chunks: readonly OutputChunk[]): { from: number; to: number } {
  let from = Number.POSITIVE_INFINITY;
  let to = 0;
  for (const c of chunks) {
    from = Math.min(from, c.offset);
    to = Math.max(to, c.offset + byteLength(c.data));
  }
  return { from, to };
}
