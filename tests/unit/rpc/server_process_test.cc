// PrepareServerProcess caps glibc's malloc arenas. Each case runs in a fresh process (a
// threadsafe death test re-executes the binary), since arenas, once made, stay for the process.
#include <malloc.h>
#include <stdio.h>

#include <cstdlib>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "libs/rpc/server.h"

namespace loyalty::rpc {
namespace {

constexpr int kThreads = 8;

// The arenas malloc_info reports ("<heap nr=...>" per arena) once kThreads threads have each
// allocated while all of them are alive.
int ArenasAfterThreadsAllocate() {
  std::latch allocated(kThreads);
  std::vector<void*> blocks(kThreads);  // kept past the threads, so no malloc is optimised away
  std::vector<std::thread> threads;
  for (size_t i = 0; i < blocks.size(); ++i) {
    threads.emplace_back([&allocated, &block = blocks[i]] {
      block = std::malloc(4096);
      allocated.arrive_and_wait();
    });
  }
  allocated.wait();
  char* text = nullptr;
  size_t size = 0;
  FILE* out = open_memstream(&text, &size);
  malloc_info(0, out);
  fclose(out);
  const std::string report(text, size);
  std::free(text);
  int arenas = 0;
  for (size_t at = report.find("<heap nr="); at != std::string::npos;
       at = report.find("<heap nr=", at + 1)) {
    ++arenas;
  }
  for (std::thread& thread : threads) thread.join();
  for (void* block : blocks) std::free(block);
  return arenas;
}

// Exits with the number of arenas, so the parent sees it.
[[noreturn]] void PrepareThenExitWithArenaCount() {
  PrepareServerProcess();
  std::_Exit(ArenasAfterThreadsAllocate());
}

class ServerProcessTest : public testing::Test {
 protected:
  void SetUp() override { GTEST_FLAG_SET(death_test_style, "threadsafe"); }
};

TEST_F(ServerProcessTest, CapsMallocArenas) {
  unsetenv("MALLOC_ARENA_MAX");
  EXPECT_EXIT(PrepareThenExitWithArenaCount(), testing::ExitedWithCode(kMallocArenas), "");
}

TEST_F(ServerProcessTest, KeepsTheEnvironmentsArenaLimit) {
  setenv("MALLOC_ARENA_MAX", "6", 1);  // read by glibc as the child starts
  EXPECT_EXIT(PrepareThenExitWithArenaCount(), testing::ExitedWithCode(6), "");
  unsetenv("MALLOC_ARENA_MAX");
}

}  // namespace
}  // namespace loyalty::rpc
