using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;

namespace Crm.Benchmarks;

internal sealed record MemoryResult(long RssKiB, long PeakRssKiB, double StartupSeconds, int Requests);

/// <summary>
/// The published service as its own process (the Crm.Functions.dll built beside this program), as
/// in production: ready, a few requests, then idle; its resident set size read from /proc.
/// </summary>
internal sealed class MemoryBench(BenchOptions options, string prefix)
{
    public async Task<MemoryResult> RunAsync()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Crm.Functions.dll");
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--contentRoot");
        start.ArgumentList.Add(AppContext.BaseDirectory);
        start.Environment["Storage__ConnectionString"] = options.Storage;
        start.Environment["Storage__Prefix"] = prefix;
        start.Environment["Auth__SigningKey"] = "bench-memory-signing-key-0123456789-0123456789";
        start.Environment["CRM_PLATFORM_KEY"] = BenchApp.PlatformKey;
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Triggers__Timers__Enabled"] = "false";

        Progress.Say($"memory: starting {dll} on port {port}");
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the service.");
        var output = DrainAsync(process);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            await WaitReadyAsync(http, process);
            var startup = watch.Elapsed.TotalSeconds;
            var requests = await SomeRequestsAsync(http);
            Progress.Say($"memory: ready in {startup:F1} s, {requests} requests made; idle {options.IdleSeconds:F0} s");
            await Task.Delay(TimeSpan.FromSeconds(options.IdleSeconds));
            var (rss, peak) = ReadRss(process.Id);
            return new MemoryResult(rss, peak, startup, requests);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
                await process.WaitForExitAsync();
            }
            await output;
        }
    }

    private static async Task WaitReadyAsync(HttpClient http, Process process)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The service exited with code {process.ExitCode} before it was ready:\n{string.Join('\n', Tail)}");
            }
            try
            {
                using var response = await http.GetAsync("/readyz");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        throw new TimeoutException("The service was not ready within 60 s.");
    }

    /// <summary>Provision a tenant, sign in, create, read and list a few departments.</summary>
    private static async Task<int> SomeRequestsAsync(HttpClient http)
    {
        var slug = "mem-" + Guid.NewGuid().ToString("N")[..10];
        using var tenantRequest = new HttpRequestMessage(HttpMethod.Post, "/api/v1/tenants")
        {
            Content = JsonContent.Create(new { name = "Memory", slug, adminLogin = "admin", adminPassword = BenchApp.Password, adminName = "Admin" }),
        };
        tenantRequest.Headers.Add("X-Platform-Key", BenchApp.PlatformKey);
        using var tenant = await http.SendAsync(tenantRequest);
        await BenchApp.Expect(tenant, HttpStatusCode.Created);
        using var signIn = await http.PostAsJsonAsync("/api/v1/auth/token", new { tenant = slug, login = "admin", password = BenchApp.Password });
        var token = (await BenchApp.Expect(signIn, HttpStatusCode.OK)).GetProperty("accessToken").GetString();
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var requests = 2;
        for (var i = 0; i < 10; i++)
        {
            using var created = await http.PostAsJsonAsync("/api/v1/departments", new { name = SampleDepartment.Name(i), description = SampleDepartment.Description });
            var id = (await BenchApp.Expect(created, HttpStatusCode.Created)).GetProperty("id").GetString();
            using var read = await http.GetAsync("/api/v1/departments/" + id);
            await BenchApp.Expect(read, HttpStatusCode.OK);
            requests += 2;
        }
        using var list = await http.GetAsync("/api/v1/departments?limit=50");
        await BenchApp.Expect(list, HttpStatusCode.OK);
        return requests + 1;
    }

    /// <summary>VmRSS and VmHWM (peak) in KiB, from /proc/{pid}/status.</summary>
    private static (long Rss, long Peak) ReadRss(int pid)
    {
        var lines = File.ReadAllLines($"/proc/{pid}/status");
        long Field(string name) => long.Parse(lines.First(l => l.StartsWith(name + ":", StringComparison.Ordinal))[(name.Length + 1)..].Trim().Split(' ')[0],
            System.Globalization.CultureInfo.InvariantCulture);
        return (Field("VmRSS"), Field("VmHWM"));
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The service's last output lines, for the error message when it fails to start.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentQueue<string> Tail = new();

    private static Task DrainAsync(Process process)
    {
        async Task Read(StreamReader reader)
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                Tail.Enqueue(line);
                while (Tail.Count > 30 && Tail.TryDequeue(out _))
                {
                }
            }
        }
        return Task.WhenAll(Read(process.StandardOutput), Read(process.StandardError));
    }

}
