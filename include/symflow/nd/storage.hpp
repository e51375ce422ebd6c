#pragma once
// storage: the 64-byte-aligned, shared buffer behind every NDArray.
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <unistd.h>

#include "../core/error.hpp"

namespace symflow::nd {

/// Bytes of physical memory on this machine (0 if unknown). An array larger than this can
/// never be filled, and asking the allocator for it anyway aborts under AddressSanitizer
/// instead of returning null, so NDArray refuses such a size with a clear error first.
inline std::size_t physical_memory_bytes() {
    static const std::size_t bytes = [] {
        long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGESIZE);
        return pages > 0 && page > 0 ? std::size_t(pages) * std::size_t(page) : std::size_t(0);
    }();
    return bytes;
}

/// One aligned allocation. Aligned to a cache line (and to the widest SIMD register)
/// so that kernels can split work on line boundaries and never share a line between
/// threads; kernels still use unaligned loads, which cost nothing on aligned data.
class storage {
public:
    static constexpr std::size_t alignment = 64;

    explicit storage(std::size_t bytes) : bytes_(bytes) {
        // Round up: aligned_alloc requires a multiple of the alignment; keep one line
        // for empty arrays so data() is never null.
        std::size_t padded = bytes == 0 ? alignment : (bytes + alignment - 1) / alignment * alignment;
        if (padded < bytes) throw error("cannot allocate " + std::to_string(bytes) + " bytes");
        ptr_ = std::aligned_alloc(alignment, padded);
        if (!ptr_) throw error("out of memory allocating " + std::to_string(bytes) + " bytes for an NDArray");
    }
    ~storage() { std::free(ptr_); }
    storage(const storage&) = delete;
    storage& operator=(const storage&) = delete;

    void* data() const { return ptr_; }
    std::size_t bytes() const { return bytes_; }

private:
    void* ptr_ = nullptr;
    std::size_t bytes_ = 0;
};

} // namespace symflow::nd
