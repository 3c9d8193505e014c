// The two errors of the MPI layer, apart from <mpi.h> so that a program can catch them whether or not it is built
// with MPI: peer_failed (another rank failed and stopped this one) and mpi_error (an MPI call itself failed).
#pragma once

#include <string>

#include "inx/core/config.hpp"
#include "inx/core/error.hpp"

INX_BEGIN_NAMESPACE
namespace mpi {

// Thrown on the ranks that did not fail when another rank called World::fail(): what() is that rank's message.
class peer_failed : public error {
 public:
  peer_failed(int rank, int code, const std::string& what) : error(what), rank_(rank), code_(code) {}
  int rank() const noexcept { return rank_; }  // the failing rank
  int code() const noexcept { return code_; }  // the exit code it asked for
 private:
  int rank_, code_;
};

// An MPI call failed: the job's state is unknown, so the program ends the whole job (World::abort) after saying so.
class mpi_error : public error {
 public:
  using error::error;
};

}  // namespace mpi
INX_END_NAMESPACE
