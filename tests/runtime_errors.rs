//! Snapshots of runtime errors as users see them: the message at the innermost frame
//! with its source line, then the backtrace; print output comes first.

use star_core::testing::capture;

#[test]
fn division_by_zero_in_a_nested_call() {
    insta::assert_snapshot!(capture(
        "def ratio(a, b):\n    return a // b\n\ndef report(xs):\n    print('computing')\n    return [ratio(x, x - 2) for x in xs]\n\nreport([4, 3, 2])\n"
    ));
}

#[test]
fn fail_with_a_message() {
    insta::assert_snapshot!(capture(
        "def check(cfg):\n    if 'name' not in cfg:\n        fail('missing name in', cfg)\n\ncheck({'size': 1})\n"
    ));
}

#[test]
fn wrong_arguments_to_a_builtin() {
    insta::assert_snapshot!(capture("x = sorted([3, 1], revers = True)\n"));
}

#[test]
fn mutation_during_iteration() {
    insta::assert_snapshot!(capture(
        "def add(xs):\n    for x in xs:\n        xs.append(x)\n\nadd([1, 2])\n"
    ));
}
