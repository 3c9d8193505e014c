// `inx`: classify images, cluster feature maps and explain classifiers from the command line.
#include <cstdio>
#include <exception>
#include <new>

#include "commands.hpp"
#include "inx/core/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{"inx: layer-by-layer explanations of convolutional image classifiers (INV)"};
  app.require_subcommand(1);
  inx_cli::add_version(app);
  inx_cli::add_cluster(app);
  inx_cli::add_classify(app);
  inx_cli::add_layers(app);
  inx_cli::add_explain(app);
  inx_cli::add_evaluate(app);
  inx_cli::add_global(app);
  inx_cli::add_label_page(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::fprintf(stderr, "inx: %s\n", e.what());
    return 2;
  } catch (const inx::error& e) {
    std::fprintf(stderr, "inx: %s\n", e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr, "inx: out of memory\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "inx: internal error: %s\n", e.what());
    return 1;
  }
  return 0;
}
