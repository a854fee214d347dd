import { EventEmitter } from './events';

describe(EventEmitter.name, () => {
  it('calls every listener with the event', () => {
    const sut = new EventEmitter<number>();
    const first = jest.fn();
    const second = jest.fn();
    sut.event(first);
    sut.event(second);

    sut.emit(7);

    expect([first.mock.calls, second.mock.calls]).toEqual([[[7]], [[7]]]);
  });

  it('keeps calling the other listeners when one throws, and rethrows on a later microtask', () => {
    const sut = new EventEmitter<number>();
    const deferred: (() => void)[] = [];
    const queue = jest
      .spyOn(globalThis, 'queueMicrotask')
      .mockImplementation((task) => deferred.push(task));
    const after = jest.fn();
    sut.event(() => {
      throw new Error('listener bug');
    });
    sut.event(after);

    sut.emit(1);
    queue.mockRestore();

    expect(after).toHaveBeenCalledWith(1);
    expect(() => deferred[0]()).toThrow('listener bug');
  });

  it('lets a listener dispose itself while being called', () => {
    const sut = new EventEmitter<number>();
    const later = jest.fn();
    const subscription = sut.event(() => subscription.dispose());
    sut.event(later);

    sut.emit(1);
    sut.emit(2);

    expect(later).toHaveBeenCalledTimes(2);
    expect(sut.hasListeners).toBe(true);
  });
});
