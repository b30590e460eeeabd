//! The front end's first two stages: scanning text into tokens and parsing tokens into a
//! syntax tree, both push-based so that code can be processed while it arrives.
//!
//! * [`scanner`]: bytes → [`Token`]s, for input cut anywhere.
//! * [`parser`]: tokens → one top-level [`Stmt`] at a time.
//! * [`ast`]: the tree, with spans on every node and slots for the resolver.
//! * [`token`]: tokens and positions.
//!
//! [`parse`] runs both over a whole input; [`StreamParser`] runs them over chunks.

pub mod ast;
pub mod dump;
pub mod parser;
pub mod scanner;
pub mod token;

pub use ast::*;
pub use dump::dump_module;
pub use parser::{Parser, SyntaxError, MAX_NESTING};
pub use scanner::{ScanOptions, Scanner};
pub use token::{Name, Pos, Span, Token, TokenKind, TokenValue};

/// Parses a whole input. Returns the statements that parsed and the syntax errors found
/// (at most one per top-level statement, in source order).
pub fn parse(src: &str, opts: ScanOptions) -> (Module, Vec<SyntaxError>) {
    let mut sp = StreamParser::new(opts);
    let mut out = Vec::new();
    sp.push(src.as_bytes(), &mut out);
    sp.finish(&mut out);
    let mut module = Module::default();
    let mut errors = Vec::new();
    for r in out {
        match r {
            Ok(s) => module.stmts.push(s),
            Err(e) => errors.push(e),
        }
    }
    (module, errors)
}

/// Scanner and parser joined: text chunks in, completed top-level statements out.
pub struct StreamParser {
    scanner: Scanner,
    parser: Parser,
}

/// Input is scanned in slices of this size, so that the token buffer stays small (and
/// in cache) however large a chunk is pushed.
const SLICE: usize = 4 * 1024;

impl StreamParser {
    /// A stream parser at the start of an input.
    pub fn new(opts: ScanOptions) -> StreamParser {
        StreamParser::starting_at(opts, Pos::START)
    }

    /// A stream parser whose input starts at `pos`.
    pub fn starting_at(opts: ScanOptions, pos: Pos) -> StreamParser {
        StreamParser {
            scanner: Scanner::starting_at(opts, pos),
            parser: Parser::new(opts),
        }
    }

    /// Feeds a chunk of input (cut anywhere); appends every statement it completes.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<Result<Stmt, SyntaxError>>) {
        for slice in chunk.chunks(SLICE) {
            self.scanner.push(slice, self.parser.token_buffer());
            self.parser.feed(out);
        }
    }

    /// Declares end of input; appends the remaining statements.
    pub fn finish(&mut self, out: &mut Vec<Result<Stmt, SyntaxError>>) {
        self.scanner.finish(self.parser.token_buffer());
        self.parser.feed(out);
    }

    /// Whether part of a statement has been received but not completed.
    pub fn has_pending(&self) -> bool {
        self.parser.has_pending()
    }

    /// The position just past the input consumed so far.
    pub fn position(&self) -> Pos {
        self.scanner.position()
    }
}
