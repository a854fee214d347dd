import {
  AbortableContext,
  type AbortListener,
  AttemptContext,
  contextFor,
  listenForAbort,
  neverAbortedSignal,
  rootContext,
  SignalContext,
} from './execution-context';

function recorder(): AbortListener & { reasons: unknown[] } {
  const reasons: unknown[] = [];
  return { reasons, onAbort: (reason) => reasons.push(reason) };
}

describe('execution contexts', () => {
  describe('the root context', () => {
    it('never aborts, carries no attempt and ignores listeners', () => {
      const listener = recorder();

      rootContext.addAbortListener(listener);
      rootContext.removeAbortListener(listener);

      expect(rootContext).toMatchObject({
        isAborted: false,
        abortReason: undefined,
        canAbort: false,
        attempt: undefined,
      });
      expect(rootContext.signal).toBe(neverAbortedSignal);
    });

    it('is shared by every call that brings no signal', () => {
      expect([contextFor(undefined), contextFor(neverAbortedSignal)]).toEqual([
        rootContext,
        rootContext,
      ]);
    });
  });

  describe(SignalContext.name, () => {
    it('tells its listeners when the caller signal aborts, once', () => {
      const caller = new AbortController();
      const sut = contextFor(caller.signal);
      const listener = recorder();
      sut.addAbortListener(listener);

      caller.abort('gone');
      caller.signal.dispatchEvent(new Event('abort'));

      expect(listener.reasons).toEqual(['gone']);
      expect(sut).toMatchObject({ isAborted: true, abortReason: 'gone', canAbort: true });
    });

    it('stops listening to the caller signal once its last listener leaves', () => {
      const caller = new AbortController();
      const sut = new SignalContext(caller.signal);
      const first = recorder();
      const second = recorder();
      sut.addAbortListener(first);
      sut.addAbortListener(second);

      sut.removeAbortListener(first);
      sut.removeAbortListener(second);
      sut.removeAbortListener(second);
      caller.abort();

      expect([first.reasons, second.reasons]).toEqual([[], []]);
    });
  });

  describe(AttemptContext.name, () => {
    it('adds the attempt and delegates everything else to its parent', () => {
      const parent = new AbortableContext();
      const sut = new AttemptContext(parent, 2);
      const listener = recorder();
      sut.addAbortListener(listener);

      parent.abort('stop');

      expect(sut).toMatchObject({
        attempt: 2,
        isAborted: true,
        abortReason: 'stop',
        canAbort: true,
      });
      expect(sut.signal).toBe(parent.signal);
      expect(listener.reasons).toEqual(['stop']);
      sut.removeAbortListener(listener);
    });
  });

  describe(AbortableContext.name, () => {
    it('creates its signal only when read, already aborted if it aborted before', () => {
      const sut = new AbortableContext();

      sut.abort('late');
      sut.abort('ignored');

      expect(sut.signal.aborted).toBe(true);
      expect(sut.signal.reason).toBe('late');
    });

    it('aborts its signal and its listeners together', () => {
      const sut = new AbortableContext(new AttemptContext(rootContext, 3));
      const signal = sut.signal;
      const listener = recorder();
      sut.addAbortListener(listener);
      sut.removeAbortListener(recorder());

      sut.onAbort('parent aborted');

      expect([signal.aborted, listener.reasons, sut.attempt]).toEqual([
        true,
        ['parent aborted'],
        3,
      ]);
    });
  });

  describe(listenForAbort.name, () => {
    it('listens to the real signal of a context that is not ours, until told to stop', () => {
      const caller = new AbortController();
      const listener = recorder();
      const stop = listenForAbort({ signal: caller.signal }, listener);

      caller.abort('first');
      stop?.();

      expect(listener.reasons).toEqual(['first']);
    });

    it('does not listen to a context that can never abort', () => {
      expect(listenForAbort(rootContext, recorder())).toBeUndefined();
    });
  });
});
