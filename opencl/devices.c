/* SPDX-License-Identifier: MIT */
/*
 * devices.c — OpenCL device discovery through the ICD loader: the list
 * hdtw_opencl_devices reports (every device of every platform, in platform
 * order), the default choice and HDTW_OPENCL_DEVICE's index or name match.
 * Devices without cl_khr_fp64 are listed but never used.
 */
#include "opencl/runtime.h"

#include "core/alloc.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Every device of every platform, with its platform. */
typedef struct {
    cl_device_id *devices;
    cl_platform_id *platforms;
    size_t count;
} device_list;

static void free_list(device_list *list)
{
    hdtw_free(list->devices);
    hdtw_free(list->platforms);
    *list = (device_list){ 0 };
}

static cl_uint platform_device_count(cl_platform_id platform)
{
    cl_uint n = 0;
    if (clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 0, NULL, &n) != CL_SUCCESS)
        return 0;
    return n;
}

/* No platform at all (CL_PLATFORM_NOT_FOUND_KHR) is an empty list. */
static hdtw_status list_devices(device_list *list)
{
    hdtw_status status = HDTW_OK;
    cl_platform_id *platforms = NULL;
    cl_uint nplatforms = 0;
    *list = (device_list){ 0 };
    if (clGetPlatformIDs(0, NULL, &nplatforms) != CL_SUCCESS || nplatforms == 0)
        return HDTW_OK;
    platforms = hdtw_malloc(nplatforms * sizeof *platforms);
    if (!platforms)
        return HDTW_E_NOMEM;
    if (clGetPlatformIDs(nplatforms, platforms, NULL) != CL_SUCCESS)
        goto cleanup;

    size_t total = 0;
    for (cl_uint p = 0; p < nplatforms; p++)
        total += platform_device_count(platforms[p]);
    if (total == 0)
        goto cleanup;
    list->devices = hdtw_malloc(total * sizeof *list->devices);
    list->platforms = hdtw_malloc(total * sizeof *list->platforms);
    if (!list->devices || !list->platforms) {
        free_list(list);
        status = HDTW_E_NOMEM;
        goto cleanup;
    }
    for (cl_uint p = 0; p < nplatforms && list->count < total; p++) {
        cl_uint got = 0, room = (cl_uint)(total - list->count);
        if (clGetDeviceIDs(platforms[p], CL_DEVICE_TYPE_ALL, room,
                           list->devices + list->count, &got) != CL_SUCCESS)
            continue;
        got = got < room ? got : room;
        for (cl_uint d = 0; d < got; d++)
            list->platforms[list->count + d] = platforms[p];
        list->count += got;
    }
cleanup:
    hdtw_free(platforms);
    return status;
}

static void device_string(cl_device_id device, cl_device_info what,
                          char *out, size_t cap)
{
    if (clGetDeviceInfo(device, what, cap, out, NULL) != CL_SUCCESS)
        out[0] = '\0';
    out[cap - 1] = '\0';
}

static void platform_name(cl_platform_id platform, char *out, size_t cap)
{
    if (clGetPlatformInfo(platform, CL_PLATFORM_NAME, cap, out, NULL) !=
        CL_SUCCESS)
        out[0] = '\0';
    out[cap - 1] = '\0';
}

/* cl_khr_fp64 as a whole token of the (space separated) extension list. */
static int has_fp64(cl_device_id device)
{
    static const char token[] = "cl_khr_fp64";
    size_t bytes = 0;
    if (clGetDeviceInfo(device, CL_DEVICE_EXTENSIONS, 0, NULL, &bytes) !=
            CL_SUCCESS || bytes == 0)
        return 0;
    char *ext = hdtw_malloc(bytes + 1);
    if (!ext)
        return 0;
    int found = 0;
    if (clGetDeviceInfo(device, CL_DEVICE_EXTENSIONS, bytes, ext, NULL) ==
        CL_SUCCESS) {
        ext[bytes] = '\0';
        for (const char *at = strstr(ext, token); at && !found;
             at = strstr(at + 1, token)) {
            char after = at[sizeof token - 1];
            found = (at == ext || at[-1] == ' ') &&
                    (after == '\0' || after == ' ');
        }
    }
    hdtw_free(ext);
    return found;
}

static int has_type(cl_device_id device, cl_device_type wanted)
{
    cl_device_type type = 0;
    clGetDeviceInfo(device, CL_DEVICE_TYPE, sizeof type, &type, NULL);
    return (type & wanted) != 0;
}

static int is_gpu(cl_device_id device)
{
    return has_type(device, CL_DEVICE_TYPE_GPU);
}

/* A device hdtw may run on: available, with a compiler, with fp64. */
static int usable(cl_device_id device)
{
    cl_bool available = CL_FALSE, compiler = CL_FALSE;
    clGetDeviceInfo(device, CL_DEVICE_AVAILABLE, sizeof available,
                    &available, NULL);
    clGetDeviceInfo(device, CL_DEVICE_COMPILER_AVAILABLE, sizeof compiler,
                    &compiler, NULL);
    return available && compiler && has_fp64(device);
}

static void fill_info(cl_platform_id platform, cl_device_id device,
                      hdtw_device_info *info)
{
    cl_uint units = 0;
    cl_ulong mem = 0;
    memset(info, 0, sizeof *info);
    device_string(device, CL_DEVICE_NAME, info->name, sizeof info->name);
    device_string(device, CL_DEVICE_VENDOR, info->vendor, sizeof info->vendor);
    platform_name(platform, info->platform, sizeof info->platform);
    clGetDeviceInfo(device, CL_DEVICE_MAX_COMPUTE_UNITS, sizeof units, &units,
                    NULL);
    clGetDeviceInfo(device, CL_DEVICE_GLOBAL_MEM_SIZE, sizeof mem, &mem, NULL);
    info->compute_units = units;
    info->global_mem_bytes = mem;
    info->is_gpu = is_gpu(device);
    info->fp64 = has_fp64(device);
}

static hdtw_status fill_sizes(cl_platform_id platform, cl_device_id device,
                              hdtw_cl_device *out)
{
    hdtw_cl_device dev = { .platform = platform, .device = device };
    if (clGetDeviceInfo(device, CL_DEVICE_LOCAL_MEM_SIZE, sizeof dev.local_mem,
                        &dev.local_mem, NULL) != CL_SUCCESS ||
        clGetDeviceInfo(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE,
                        sizeof dev.max_alloc, &dev.max_alloc, NULL) !=
            CL_SUCCESS ||
        clGetDeviceInfo(device, CL_DEVICE_GLOBAL_MEM_SIZE,
                        sizeof dev.global_mem, &dev.global_mem, NULL) !=
            CL_SUCCESS ||
        clGetDeviceInfo(device, CL_DEVICE_MAX_WORK_GROUP_SIZE,
                        sizeof dev.max_group, &dev.max_group, NULL) !=
            CL_SUCCESS)
        return HDTW_E_UNSUPPORTED;
    dev.is_cpu = has_type(device, CL_DEVICE_TYPE_CPU);
    device_string(device, CL_DEVICE_NAME, dev.name, sizeof dev.name);
    *out = dev;
    return HDTW_OK;
}

static int all_digits(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

/* Index of the device `wanted` selects in list, or list->count if none:
 * "" = first usable GPU, else first usable device; digits = that index;
 * anything else = first usable device whose device or platform name
 * contains it. */
static size_t select_device(const device_list *list, const char *wanted)
{
    size_t fallback = list->count;
    if (all_digits(wanted)) {
        char *end;
        unsigned long long index = strtoull(wanted, &end, 10);
        return index < list->count && usable(list->devices[index])
                   ? (size_t)index : list->count;
    }
    for (size_t d = 0; d < list->count; d++) {
        if (!usable(list->devices[d]))
            continue;
        if (*wanted) {
            hdtw_device_info info;
            fill_info(list->platforms[d], list->devices[d], &info);
            if (strstr(info.name, wanted) || strstr(info.platform, wanted))
                return d;
        } else if (is_gpu(list->devices[d])) {
            return d;
        } else if (fallback == list->count) {
            fallback = d;
        }
    }
    return *wanted ? list->count : fallback;
}

hdtw_status hdtw_cl_choose_device(const char *wanted, hdtw_cl_device *out)
{
    device_list list;
    hdtw_status status = list_devices(&list);
    if (status != HDTW_OK)
        return status;
    size_t d = select_device(&list, wanted);
    status = d < list.count
                 ? fill_sizes(list.platforms[d], list.devices[d], out)
                 : HDTW_E_UNSUPPORTED;
    free_list(&list);
    return status;
}

hdtw_status hdtw_cl_device_at(size_t index, hdtw_cl_device *out)
{
    device_list list;
    hdtw_status status = list_devices(&list);
    if (status != HDTW_OK)
        return status;
    status = index < list.count && usable(list.devices[index])
                 ? fill_sizes(list.platforms[index], list.devices[index], out)
                 : HDTW_E_UNSUPPORTED;
    free_list(&list);
    return status;
}

hdtw_status hdtw_opencl_list(hdtw_device_info *out, size_t cap,
                             size_t *count)
{
    device_list list;
    hdtw_status status = list_devices(&list);
    if (status != HDTW_OK)
        return status;
    for (size_t d = 0; d < list.count && d < cap; d++)
        fill_info(list.platforms[d], list.devices[d], &out[d]);
    *count = list.count;
    free_list(&list);
    return HDTW_OK;
}

hdtw_status hdtw_opencl_info(const void *state, hdtw_device_info *out)
{
    const struct hdtw_opencl *cl = state;
    fill_info(cl->dev.platform, cl->dev.device, out);
    return HDTW_OK;
}

const char *hdtw_opencl_name(const void *state)
{
    const struct hdtw_opencl *cl = state;
    return cl->dev.name;
}
