import { NextResponse } from 'next/server';

/** Liveness: the process answers. Deliberately checks nothing else. */
export function GET() {
  return NextResponse.json({ status: 'ok' });
}
