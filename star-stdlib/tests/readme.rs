//! The README's embedding example, compiled and run (keep the two in step).

use star_core::interp::{FsLoader, Interpreter, MAIN_PACKAGE};

#[test]
fn readme_example_runs() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("star-readme-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("scripts/lib"))?;
    std::fs::write(
        dir.join("scripts/main.star"),
        "load('lib/names.star', 'NAMES')\nout = json.encode({'env': env, 'names': NAMES})\nprint(out)\n",
    )?;
    std::fs::write(dir.join("scripts/lib/names.star"), "NAMES = ['a', 'b']\n")?;
    std::env::set_current_dir(&dir)?;

    let interp = Interpreter::builder()
        .package(star_stdlib::PACKAGE_ALIAS, star_stdlib::package()) // @stdlib, builtins.star
        .package(MAIN_PACKAGE, FsLoader::new("scripts")?) // //main.star, //lib/...
        .predeclare("env", star_core::Value::str("prod")) // a host value everywhere
        .logger(|file, line, msg| println!("{file}:{line}: {msg}")) // where print goes
        .build();
    let globals = match interp.exec_module(MAIN_PACKAGE, "main.star", None) {
        Ok(globals) => globals,
        Err(e) => panic!("{}", interp.render_error(&e, false)),
    };
    assert_eq!(
        globals.get("out").unwrap().to_str(),
        r#"{"env":"prod","names":["a","b"]}"#
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
