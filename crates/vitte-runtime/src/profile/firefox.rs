//! The Firefox profiler's processed-profile JSON (profiler.firefox.com,
//! "Load a profile from file"), written with serde.
//!
//! The format is columnar: each table is an object of parallel arrays and
//! a `length`. A sample points into the stack table, a stack is a frame
//! and the stack of its caller (`prefix`), a frame points to a function,
//! and names and file names are indices into the thread's string array.
//! Frames carry the IR line, functions the IR function's name and `.vir`
//! file, so the profiler's call tree and source view show `.vir` lines.
//! Version 47 of the format (one string array per thread); the profiler
//! upgrades older versions when it loads them.

use super::Profile;
use serde::Serialize;
use std::collections::HashMap;

const PREPROCESSED_VERSION: u32 = 47;
/// The Gecko profile version the processed version 47 goes with.
const GECKO_VERSION: u32 = 27;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Document {
    meta: Meta,
    libs: [(); 0],
    threads: Vec<Thread>,
    pages: [(); 0],
    counters: [(); 0],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Meta {
    /// Milliseconds.
    interval: f64,
    start_time: f64,
    process_type: u32,
    product: &'static str,
    stackwalk: u32,
    version: u32,
    preprocessed_profile_version: u32,
    symbolicated: bool,
    categories: [Category; 1],
    marker_schema: [(); 0],
}

#[derive(Serialize)]
struct Category {
    name: &'static str,
    color: &'static str,
    subcategories: [&'static str; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Thread {
    name: String,
    process_type: &'static str,
    process_name: String,
    process_startup_time: f64,
    process_shutdown_time: Option<f64>,
    register_time: f64,
    unregister_time: Option<f64>,
    paused_ranges: [(); 0],
    is_main_thread: bool,
    pid: &'static str,
    tid: u32,
    samples: Samples,
    markers: Markers,
    stack_table: StackTable,
    frame_table: FrameTable,
    func_table: FuncTable,
    resource_table: ResourceTable,
    native_symbols: NativeSymbols,
    string_array: Vec<String>,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct Samples {
    length: usize,
    stack: Vec<usize>,
    /// Milliseconds since the start.
    time: Vec<f64>,
    weight: Option<()>,
    weight_type: &'static str,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct Markers {
    length: usize,
    category: [(); 0],
    data: [(); 0],
    end_time: [(); 0],
    name: [(); 0],
    phase: [(); 0],
    start_time: [(); 0],
}

#[derive(Serialize, Default)]
struct StackTable {
    length: usize,
    frame: Vec<usize>,
    prefix: Vec<Option<usize>>,
    category: Vec<u32>,
    subcategory: Vec<u32>,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct FrameTable {
    length: usize,
    address: Vec<i64>,
    inline_depth: Vec<u32>,
    category: Vec<u32>,
    subcategory: Vec<u32>,
    func: Vec<usize>,
    native_symbol: Vec<Option<usize>>,
    #[serde(rename = "innerWindowID")]
    inner_window_id: Vec<Option<u32>>,
    implementation: Vec<Option<usize>>,
    line: Vec<Option<u32>>,
    column: Vec<Option<u32>>,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct FuncTable {
    length: usize,
    name: Vec<usize>,
    #[serde(rename = "isJS")]
    is_js: Vec<bool>,
    #[serde(rename = "relevantForJS")]
    relevant_for_js: Vec<bool>,
    resource: Vec<i64>,
    file_name: Vec<Option<usize>>,
    line_number: Vec<Option<u32>>,
    column_number: Vec<Option<u32>>,
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct ResourceTable {
    length: usize,
    lib: [(); 0],
    name: [(); 0],
    host: [(); 0],
    r#type: [(); 0],
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct NativeSymbols {
    length: usize,
    lib_index: [(); 0],
    address: [(); 0],
    name: [(); 0],
    function_size: [(); 0],
}

/// Builds the thread's tables, interning strings, functions and stacks.
#[derive(Default)]
struct Tables {
    strings: Vec<String>,
    string_ids: HashMap<String, usize>,
    funcs: FuncTable,
    func_ids: HashMap<(usize, Option<usize>), usize>,
    frames: FrameTable,
    stacks: StackTable,
    stack_ids: HashMap<(Option<usize>, usize), usize>,
}

impl Profile {
    /// The profile as Firefox profiler JSON; `program` names the process.
    /// One thread of the profiler per thread of the program, the main one
    /// first, then the spawned ones by id.
    pub fn firefox_json(&self, program: &str) -> String {
        let mut ids: Vec<u32> = self.samples.iter().map(|s| s.thread).collect();
        ids.push(0);
        ids.sort_unstable();
        ids.dedup();
        let threads = (ids.into_iter())
            .map(|tid| self.firefox_thread(program, tid))
            .collect();
        let document = Document {
            meta: Meta {
                interval: self.interval.as_secs_f64() * 1e3,
                start_time: 0.0,
                process_type: 0,
                product: "vitte-wat",
                stackwalk: 0,
                version: GECKO_VERSION,
                preprocessed_profile_version: PREPROCESSED_VERSION,
                symbolicated: true,
                categories: [Category {
                    name: "Wasm",
                    color: "blue",
                    subcategories: ["Other"],
                }],
                marker_schema: [],
            },
            libs: [],
            threads,
            pages: [],
            counters: [],
        };
        // Serializing plain structs of strings and numbers cannot fail.
        serde_json::to_string(&document).unwrap_or_default()
    }

    /// The thread `tid`'s tables and samples. Each thread's frame table
    /// has a row per frame of the profile (same indices), used or not.
    fn firefox_thread(&self, program: &str, tid: u32) -> Thread {
        let mut tables = Tables::default();
        for frame in &self.frames {
            tables.frame(frame);
        }
        let mut samples = Samples {
            weight_type: "samples",
            ..Samples::default()
        };
        for sample in self.samples.iter().filter(|s| s.thread == tid) {
            let mut stack = None;
            for &frame in &sample.stack {
                stack = Some(tables.stack(stack, frame));
            }
            // Samples are never empty (the sampler drops those).
            samples.stack.push(stack.unwrap_or_default());
            samples.time.push(sample.time.as_secs_f64() * 1e3);
        }
        samples.length = samples.stack.len();
        tables.thread(program, tid, samples)
    }
}

impl Tables {
    fn string(&mut self, s: &str) -> usize {
        if let Some(&id) = self.string_ids.get(s) {
            return id;
        }
        self.strings.push(s.to_string());
        self.string_ids
            .insert(s.to_string(), self.strings.len() - 1);
        self.strings.len() - 1
    }

    /// Adds the frame table's row for a profile frame (same index).
    fn frame(&mut self, frame: &super::Frame) {
        let name = self.string(&frame.func);
        let file = frame.file.as_deref().map(|f| self.string(f));
        let next = self.funcs.length;
        let func = *self.func_ids.entry((name, file)).or_insert(next);
        if func == next {
            let f = &mut self.funcs;
            f.name.push(name);
            f.is_js.push(false);
            f.relevant_for_js.push(false);
            f.resource.push(-1);
            f.file_name.push(file);
            f.line_number.push(None);
            f.column_number.push(None);
            f.length += 1;
        }
        let t = &mut self.frames;
        t.address.push(-1);
        t.inline_depth.push(0);
        t.category.push(0);
        t.subcategory.push(0);
        t.func.push(func);
        t.native_symbol.push(None);
        t.inner_window_id.push(None);
        t.implementation.push(None);
        t.line.push(frame.line);
        t.column.push(None);
        t.length += 1;
    }

    /// The stack of `frame` called from `prefix`, added if new.
    fn stack(&mut self, prefix: Option<usize>, frame: usize) -> usize {
        let next = self.stacks.length;
        let id = *self.stack_ids.entry((prefix, frame)).or_insert(next);
        if id == next {
            let s = &mut self.stacks;
            s.frame.push(frame);
            s.prefix.push(prefix);
            s.category.push(0);
            s.subcategory.push(0);
            s.length += 1;
        }
        id
    }

    fn thread(self, program: &str, tid: u32, samples: Samples) -> Thread {
        Thread {
            // The profiler shows the main thread's by the name Firefox
            // gives its own.
            name: match tid {
                0 => "GeckoMain".to_string(),
                _ => format!("wasi thread {tid}"),
            },
            process_type: "default",
            process_name: program.to_string(),
            process_startup_time: 0.0,
            process_shutdown_time: None,
            register_time: 0.0,
            unregister_time: None,
            paused_ranges: [],
            is_main_thread: tid == 0,
            pid: "0",
            tid,
            samples,
            markers: Markers::default(),
            stack_table: self.stacks,
            frame_table: self.frames,
            func_table: self.funcs,
            resource_table: ResourceTable::default(),
            native_symbols: NativeSymbols::default(),
            string_array: self.strings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample_profile;

    #[test]
    fn tables_share_stacks_and_name_lines() {
        let json: serde_json::Value =
            serde_json::from_str(&sample_profile().firefox_json("f.vir")).expect("JSON");
        let thread = &json["threads"][0];
        assert_eq!(thread["samples"]["stack"], serde_json::json!([1, 1, 2, 1]));
        assert_eq!(
            thread["stackTable"]["prefix"],
            serde_json::json!([null, 0, 0])
        );
        assert_eq!(thread["frameTable"]["line"], serde_json::json!([20, 9, 4]));
        assert_eq!(
            thread["stringArray"],
            serde_json::json!(["main", "f.vir", "heavy", "light<&>"])
        );
        assert_eq!(
            thread["funcTable"]["fileName"],
            serde_json::json!([1, 1, 1])
        );
        assert_eq!(json["meta"]["preprocessedProfileVersion"], 47);
    }

    /// Samples of spawned threads make threads of their own, by id, after
    /// the main one (which is there even without samples).
    #[test]
    fn each_thread_has_its_samples() {
        let mut profile = sample_profile();
        profile.samples[1].thread = 3;
        profile.samples[2].thread = 1;
        profile.samples[3].thread = 3;
        let json: serde_json::Value =
            serde_json::from_str(&profile.firefox_json("f.vir")).expect("JSON");
        let threads = json["threads"].as_array().expect("threads");
        let of = |key: &str| threads.iter().map(|t| t[key].clone()).collect::<Vec<_>>();
        assert_eq!(of("tid"), [0, 1, 3].map(serde_json::Value::from));
        assert_eq!(
            of("name"),
            ["GeckoMain", "wasi thread 1", "wasi thread 3"].map(serde_json::Value::from)
        );
        assert_eq!(
            of("isMainThread"),
            [true, false, false].map(serde_json::Value::from)
        );
        let times: Vec<_> = threads
            .iter()
            .map(|t| t["samples"]["time"].clone())
            .collect();
        assert_eq!(
            times,
            [
                serde_json::json!([0.0]),
                serde_json::json!([2.0]),
                serde_json::json!([1.0, 3.0])
            ]
        );

        profile.samples.retain(|s| s.thread != 0);
        let json: serde_json::Value =
            serde_json::from_str(&profile.firefox_json("f.vir")).expect("JSON");
        assert_eq!(json["threads"][0]["name"], "GeckoMain");
        assert_eq!(json["threads"][0]["samples"]["length"], 0);
    }
}
