#pragma once
// Harness for NDArray file loading: every input is offered to both in-memory readers,
// the MXNet list format (nd::load_bytes, `.params`) and numpy's format
// (nd::load_npy_bytes). Whatever loads must save and load back to the same names,
// shapes, dtypes and element bytes, and must print.
#include <cstring>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include <symflow/nd/io.hpp>
#include <symflow/nd/numpy_format.hpp>

#include "harness_common.hpp"

namespace symflow_fuzz {

namespace nd_detail {

/// Both arrays are none, or have the same shape, dtype and element bytes.
inline bool same_array(const symflow::nd::NDArray& a, const symflow::nd::NDArray& b) {
    if (a.is_none() || b.is_none()) return a.is_none() == b.is_none();
    return a.shape() == b.shape() && a.dtype() == b.dtype() &&
           std::memcmp(a.raw(), b.raw(), a.size() * symflow::dtype_size(a.dtype())) == 0;
}

/// Prints the array both ways a user may (repr and numpy's repr); only the absence of a
/// crash is checked: numpy's formatting of arbitrary bit patterns (NaN payloads,
/// denormals, extreme exponents) is the risk.
inline void print(const symflow::nd::NDArray& a) {
    std::ostringstream os;
    os << a;
    if (!a.is_none()) os << a.asnumpy();
}

} // namespace nd_detail

/// One fuzz input through both NDArray readers.
inline void fuzz_nd_load(std::span<const std::uint8_t> data) {
    namespace nd = symflow::nd;
    const std::string_view bytes(reinterpret_cast<const char*>(data.data()), data.size());

    std::optional<nd::array_file> file;
    try {
        file = nd::load_bytes(bytes);
    } catch (const symflow::error&) {
    }
    if (file) {
        ++stats().accepted;
        expect(file->names.empty() || file->names.size() == file->arrays.size(),
               "nd::load_bytes gave " + std::to_string(file->names.size()) + " names for " +
                   std::to_string(file->arrays.size()) + " arrays");
        for (const auto& a : file->arrays) nd_detail::print(a);
        // A list saves as a list; a dict with distinct names as a dict (save() takes a map).
        std::optional<std::map<std::string, nd::NDArray>> named;
        if (!file->names.empty()) {
            try {
                named = file->as_map();
            } catch (const symflow::error&) {
                // repeated names: only the list form can be saved
            }
        }
        const std::string saved = named ? nd::save_bytes(*named) : nd::save_bytes(file->arrays);
        const nd::array_file back = nd::load_bytes(saved);
        if (named) {
            const auto m = back.as_map();
            expect(m.size() == named->size(), "a saved dict loads back with another number of arrays");
            for (const auto& [k, v] : *named) {
                auto it = m.find(k);
                expect(it != m.end() && nd_detail::same_array(v, it->second),
                       "array '" + k + "' changed in a save/load round trip");
            }
        } else {
            expect(back.names.empty() && back.arrays.size() == file->arrays.size(),
                   "a saved list loads back with names or another number of arrays");
            for (std::size_t i = 0; i < back.arrays.size(); ++i)
                expect(nd_detail::same_array(file->arrays[i], back.arrays[i]),
                       "array " + std::to_string(i) + " changed in a save/load round trip");
        }
    }

    std::optional<nd::NDArray> npy;
    try {
        npy = nd::load_npy_bytes(bytes);
    } catch (const symflow::error&) {
    }
    if (npy) {
        ++stats().accepted;
        expect(!npy->is_none(), "nd::load_npy_bytes returned an empty handle");
        nd_detail::print(*npy);
        const nd::NDArray back = nd::load_npy_bytes(nd::save_npy_bytes(*npy));
        expect(nd_detail::same_array(*npy, back), "an .npy array changed in a save/load round trip");
        // And through the list format, which holds every dtype .npy loads.
        const nd::array_file list = nd::load_bytes(nd::save_bytes(std::vector<nd::NDArray>{*npy}));
        expect(list.arrays.size() == 1 && nd_detail::same_array(*npy, list.arrays[0]),
               "an .npy array changed when saved in MXNet's list format");
    }
}

} // namespace symflow_fuzz
