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
//! directly, touching nothing thread-local; so does one whose containers are still
//! referenced elsewhere (dropping them only decrements a count).

use std::cell::{Cell, RefCell};

use super::Value;

/// What a freed container held, waiting in the open scope's work list (held only to be
/// dropped there).
#[allow(dead_code)]
pub(crate) enum Pending {
    Values(Vec<Value>),
    Dict(super::DictMap),
    Set(super::SetMap),
}

thread_local! {
    /// Whether a drop scope is open on this thread.
    static OPEN: Cell<bool> = const { Cell::new(false) };
    /// What containers freed in the open scope held, to drop one at a time.
    static PENDING: RefCell<Vec<Pending>> = const { RefCell::new(Vec::new()) };
}

/// Whether dropping `v` frees a container (its last reference), and so would recurse
/// into what the container holds.
#[inline]
pub(crate) fn frees_container(v: &Value) -> bool {
    match v {
        Value::List(l) => triomphe::Arc::count(l) == 1,
        Value::Dict(d) => triomphe::Arc::count(d) == 1,
        Value::Set(s) => triomphe::Arc::count(s) == 1,
        Value::Tuple(t) => t.ref_count() == 1,
        _ => false,
    }
}

/// Whether a drop scope is open on this thread (while a thread is being torn down,
/// none is).
fn open() -> bool {
    OPEN.try_with(Cell::get).unwrap_or(false)
}

/// Drops what a freed container held (which frees another container): into the open
/// scope's work list, or in a new scope.
pub(crate) fn drop_contents(contents: Pending) {
    if open() {
        let handed = PENDING.try_with(|p| match p.try_borrow_mut() {
            Ok(mut p) => {
                p.push(contents);
                None
            }
            Err(_) => Some(contents),
        });
        match handed {
            // The work list is busy (this drop happens while it is being extended):
            // drop here, which is rare and shallow.
            Ok(Some(contents)) => drop(contents),
            Ok(None) => {}
            Err(_) => {}
        }
        return;
    }
    in_scope(move || drop(contents));
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
            Some(contents) => drop(contents),
            None => break,
        }
    }
    drop(close);
}

/// Keeps the containers among a tuple's items alive in the open scope's work list, so
/// that dropping the tuple's own storage does not free them recursively. Returns false
/// if no scope is open.
pub(crate) fn keep_containers(items: &[Value]) -> bool {
    if !open() {
        return false;
    }
    let kept: Vec<Value> = items
        .iter()
        .filter(|v| frees_container(v))
        .cloned()
        .collect();
    drop_contents(Pending::Values(kept));
    true
}
