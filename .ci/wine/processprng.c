/*
 * processprng.c — a minimal bcryptprimitives.dll for Wine.
 *
 * Go >= 1.24 on windows loads bcryptprimitives.dll from system32 at startup and
 * requires its ProcessPrng export (crypto/rand, runtime seeding). Wine 8.0 ships
 * no bcryptprimitives.dll at all, so every Go >= 1.24 program dies at startup.
 * This DLL provides that one export, backed by RtlGenRandom (advapi32's
 * SystemFunction036), which Wine implements.
 *
 * Built with: x86_64-w64-mingw32-gcc -shared -nostdlib (see setup.sh).
 * No C runtime: the entry point is our own DllMain-style function.
 */
#include <windows.h>

/* RtlGenRandom is exported from advapi32 under this name. */
BOOLEAN WINAPI SystemFunction036(PVOID RandomBuffer, ULONG RandomBufferLength);

/*
 * BOOL WINAPI ProcessPrng(PBYTE pbData, SIZE_T cbData);
 * Windows documents it as always returning TRUE; we return FALSE only if
 * RtlGenRandom fails, which Go treats as fatal — better than silent zeros.
 */
__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE pbData, SIZE_T cbData)
{
    while (cbData > 0) {
        ULONG n = cbData > 0x10000000 ? 0x10000000 : (ULONG)cbData;
        if (!SystemFunction036(pbData, n))
            return FALSE;
        pbData += n;
        cbData -= n;
    }
    return TRUE;
}

BOOL WINAPI ShimEntry(HINSTANCE inst, DWORD reason, LPVOID reserved)
{
    (void)inst; (void)reason; (void)reserved;
    return TRUE;
}
