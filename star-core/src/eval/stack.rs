//! The register stack: every Starlark call's registers, in chunks that never move.
//!
//! A call takes a window of `nregs` slots on top of the stack and gives it back when it
//! returns, so a call costs a bump of an index and the writes that initialise its
//! registers, with no allocation once the stack has grown to the program's depth. A
//! frame that does not fit in the current chunk starts a new one; chunks are kept for
//! reuse and are never moved or reallocated while frames live in them, so a caller's
//! registers (and the argument slices borrowed from them) stay put while callees run.

use std::alloc::{self, Layout};
use std::ptr::NonNull;

use crate::value::Value;

/// Slots in the first chunk (16 bytes each: 64 KiB).
const FIRST_CHUNK: usize = 4096;

struct Chunk {
    ptr: NonNull<Value>,
    cap: usize,
}

impl Chunk {
    fn new(cap: usize) -> Chunk {
        let layout = Layout::array::<Value>(cap).expect("register stack chunk too large");
        // SAFETY: `cap` is at least 1, so the layout has a non-zero size.
        let p = unsafe { alloc::alloc(layout) } as *mut Value;
        match NonNull::new(p) {
            Some(ptr) => Chunk { ptr, cap },
            None => alloc::handle_alloc_error(layout),
        }
    }
}

impl Drop for Chunk {
    fn drop(&mut self) {
        let layout = Layout::array::<Value>(self.cap).expect("layout was valid at allocation");
        // SAFETY: allocated in `Chunk::new` with this layout. The slots hold no live
        // values: frames drop theirs when popped, and every frame is popped by the
        // guard that pushed it (`vm::FrameGuard`), unwinding included. (Only a frame
        // whose guard never drops, on a fiber that was leaked, leaks its values.)
        unsafe { alloc::dealloc(self.ptr.as_ptr() as *mut u8, layout) }
    }
}

/// Where the stack stood before a frame was pushed; popping the frame returns there.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Mark {
    chunk: usize,
    top: usize,
}

/// A stack of register frames (see the module documentation).
#[derive(Default)]
pub(crate) struct RegStack {
    chunks: Vec<Chunk>,
    /// The chunk frames are being taken from (meaningless while `chunks` is empty).
    cur: usize,
    /// Slots of `chunks[cur]` in use.
    top: usize,
}

impl RegStack {
    /// Pushes a frame of `n` registers, all `None`. Returns its first slot and the mark
    /// to pop it with.
    ///
    /// The frame's slots stay valid and in place until [`RegStack::pop`] is called with
    /// the mark; frames must be popped in reverse order of pushing.
    #[inline]
    pub(crate) fn push(&mut self, n: usize) -> (*mut Value, Mark) {
        let mark = Mark {
            chunk: self.cur,
            top: self.top,
        };
        match self.chunks.get(self.cur) {
            Some(c) if self.top + n <= c.cap => {}
            _ => self.grow(n),
        }
        // SAFETY: `chunks[cur]` exists and has room for `n` slots from `top` (checked or
        // made so just above), so the offsets below stay inside its allocation.
        unsafe {
            let base = self
                .chunks
                .get_unchecked(self.cur)
                .ptr
                .as_ptr()
                .add(self.top);
            for i in 0..n {
                std::ptr::write(base.add(i), Value::None);
            }
            self.top += n;
            (base, mark)
        }
    }

    /// Pops the frame of `n` registers at `base` that [`RegStack::push`] returned with
    /// `mark`, dropping its values.
    ///
    /// # Safety
    /// `base`, `n` and `mark` must come from the most recent push not yet popped, and no
    /// reference into the frame may be used afterwards.
    #[inline]
    pub(crate) unsafe fn pop(&mut self, base: *mut Value, n: usize, mark: Mark) {
        for i in 0..n {
            std::ptr::read(base.add(i)).release();
        }
        self.cur = mark.chunk;
        self.top = mark.top;
    }

    /// Moves to a chunk with room for `n` slots: the next one, allocating it (or a
    /// bigger replacement) if needed.
    #[cold]
    #[inline(never)]
    fn grow(&mut self, n: usize) {
        let next = if self.chunks.is_empty() {
            0
        } else {
            self.cur + 1
        };
        let want = match self.chunks.last() {
            Some(c) => n.max(c.cap * 2),
            None => n.max(FIRST_CHUNK),
        };
        match self.chunks.get(next) {
            Some(c) if c.cap >= n => {}
            // Chunks above the current one hold no frames, so one too small for this
            // frame can be replaced.
            Some(_) => self.chunks[next] = Chunk::new(want),
            None => self.chunks.push(Chunk::new(want)),
        }
        self.cur = next;
        self.top = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_stay_in_place_across_chunks() {
        let mut s = RegStack::default();
        let mut frames = Vec::new();
        // Enough frames of varying size to need several chunks.
        for i in 0..2000usize {
            let n = 1 + i % 37;
            let (base, mark) = s.push(n);
            // SAFETY: the frame has `n` slots.
            unsafe {
                assert!(matches!(&*base, Value::None));
                std::ptr::write(base, Value::Bool(true));
                std::ptr::write(base.add(n - 1), Value::str(&format!("f{i}")));
            }
            frames.push((base, n, mark, i));
        }
        assert!(s.chunks.len() > 1);
        for &(base, n, _, i) in frames.iter().rev() {
            // SAFETY: frames are live until popped below.
            let v = unsafe { &*base.add(n - 1) };
            assert_eq!(v.to_str(), format!("f{i}"));
            if n > 1 {
                // SAFETY: as above; the frame's first slot.
                let first = unsafe { &*base };
                assert!(matches!(first, Value::Bool(true)));
            }
        }
        while let Some((base, n, mark, _)) = frames.pop() {
            // SAFETY: popped in reverse order of pushing.
            unsafe { s.pop(base, n, mark) };
        }
        assert_eq!((s.cur, s.top), (0, 0));
        // A frame bigger than any chunk gets its own.
        let (base, mark) = s.push(100_000);
        // SAFETY: the frame just pushed, popped at once.
        unsafe { s.pop(base, 100_000, mark) };
    }
}
