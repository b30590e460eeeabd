//! Dropping values of any depth without recursion.
//!
//! Dropping the last reference to a list frees the list, which drops its items, which
//! may free more lists: left to the compiler's drop glue, a list nested six million
//! times deep recurses six million times and overflows the native stack. So the
//! containers (lists, dicts, sets, tuples) drop their contents through this module: the
//! outermost container being freed on a thread opens a *drop scope*; every container
//! freed inside it hands its contents to the scope's work list instead of dropping them,
//! and the scope drops the work list one value at a time until it is empty. The native
//! stack stays a few frames deep whatever the depth of the value, and the work is
//! linear in its size. A container whose contents hold no container drops them
//! directly, touching nothing thread-local.

use std::cell::{Cell, RefCell};

use super::Value;

thread_local! {
    /// Whether a drop scope is open on this thread.
    static OPEN: Cell<bool> = const { Cell::new(false) };
    /// Values handed to the open scope, to drop one at a time.
    static PENDING: RefCell<Vec<Value>> = const { RefCell::new(Vec::new()) };
}

/// Whether dropping `v` may free a container (and so recurse).
#[inline]
pub(crate) fn is_container(v: &Value) -> bool {
    matches!(
        v,
        Value::List(_) | Value::Dict(_) | Value::Set(_) | Value::Tuple(_)
    )
}

/// Whether a drop scope is open on this thread (while a thread is being torn down,
/// none is).
fn open() -> bool {
    OPEN.try_with(Cell::get).unwrap_or(false)
}

/// Hands values to the open drop scope; gives them back if there is none.
fn defer(values: impl Iterator<Item = Value>) -> bool {
    PENDING
        .try_with(|p| {
            if let Ok(mut p) = p.try_borrow_mut() {
                p.extend(values);
                true
            } else {
                false
            }
        })
        .unwrap_or(false)
}

/// Drops what a freed container held (`items`, which contain a container): into the
/// open scope's work list, or in a new scope.
pub(crate) fn drop_contents(items: Vec<Value>) {
    if open() {
        let mut items = items.into_iter();
        if defer(&mut items) {
            return;
        }
        // The work list is busy (this drop happens while it is being extended):
        // whatever is left drops here, which is rare and shallow.
        drop(items);
        return;
    }
    in_scope(move || drop(items));
}

/// Runs `f` (which drops a container) in a drop scope, then drops everything the
/// containers freed meanwhile handed to it.
pub(crate) fn in_scope(f: impl FnOnce()) {
    if open() {
        f();
        return;
    }
    struct Close;
    impl Drop for Close {
        fn drop(&mut self) {
            let _ = OPEN.try_with(|o| o.set(false));
            let _ = PENDING.try_with(|p| {
                if let Ok(mut p) = p.try_borrow_mut() {
                    if std::thread::panicking() {
                        // A drop panicked: what is left leaks rather than risk a
                        // second panic.
                        std::mem::forget(std::mem::take(&mut *p));
                    } else {
                        // Empty now; do not keep the room a huge value needed.
                        p.shrink_to(4096);
                    }
                }
            });
        }
    }
    if OPEN.try_with(|o| o.set(true)).is_err() {
        f();
        return;
    }
    let close = Close;
    f();
    loop {
        let next = PENDING.with(|p| p.borrow_mut().pop());
        match next {
            Some(v) => drop(v),
            None => break,
        }
    }
    drop(close);
}

/// Keeps the containers among a tuple's items alive in the open scope's work list, so
/// that dropping the tuple's own storage does not free them recursively. Returns false
/// if no scope is open.
pub(crate) fn keep_containers(items: &[Value]) -> bool {
    open() && defer(items.iter().filter(|v| is_container(v)).cloned())
}
