fn main() -> std::process::ExitCode {
    swarmproof::cli::main()
}
