//! `explore --diff`: placeholder replaced below.
use super::model::Page;
pub fn write(_old: &Page, _new: &Page) -> String {
    String::new()
}
