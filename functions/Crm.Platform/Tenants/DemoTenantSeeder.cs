using System.Security.Cryptography;
using Crm.Domain.Tenants;
using Crm.Platform.Tenants;
using Crm.Platform.Users;
using Crm.Storage.Records;
using Crm.Storage.Tenants;

namespace Crm.Platform.Tenants;

/// <summary>
/// For the README's run command (<c>Demo:Enabled</c>): makes sure the tenant "demo" exists with the
/// administrator "admin", whose password is <c>CRM_DEMO_PASSWORD</c> or a generated one, and prints
/// where to start. Unless <c>CRM_DEMO_DATA=0</c>, the tenant also gets a small company's worth of data
/// (<see cref="DemoCompany"/>) the first time; its colleagues sign in with the same password.
/// </summary>
public sealed class DemoTenantSeeder(IConfiguration configuration, TenantProvisioning provisioning, TenantStore tenants, UserService users,
    DemoCompany company, TimeProvider clock, IHostApplicationLifetime lifetime, IServiceProvider services, ILogger<DemoTenantSeeder> log) : IHostedService
{
    public const string Slug = "demo";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!configuration.GetValue<bool>("Demo:Enabled"))
        {
            return;
        }
        var password = configuration["CRM_DEMO_PASSWORD"] is { Length: > 0 } given ? given : GeneratePassword();
        var tenant = await tenants.FindBySlugAsync(Slug, cancellationToken);
        if (tenant is { Provisioned: true })
        {
            await users.SetPasswordAsync(TenantProvisioning.Actor.Write(tenant.Id, clock.GetUtcNow()), tenant.AdminUserId, password, cancellationToken);
        }
        else
        {
            tenant = (await provisioning.ProvisionAsync(new CreateTenant
            {
                Name = "Demo Company",
                Slug = Slug,
                AdminLogin = "admin",
                AdminPassword = password,
                AdminName = "Administrator",
            }, cancellationToken)).Tenant;
        }
        var data = configuration["CRM_DEMO_DATA"] != "0" ? await SeedDataAsync(tenant, password, cancellationToken) : null;
        lifetime.ApplicationStarted.Register(() => Announce(password, data));
    }

    /// <summary>Once per tenant: the marker is set only after everything exists, so an interrupted seeding completes next time.</summary>
    private async Task<DemoSummary?> SeedDataAsync(Tenant tenant, string password, CancellationToken cancellationToken)
    {
        if (tenant.DemoDataSeededAt is not null)
        {
            return null;
        }
        var summary = await company.SeedAsync(tenant, password, cancellationToken);
        var (current, version) = await tenants.ReadAsync(tenant.Id, cancellationToken) ?? throw new InvalidOperationException("The demo tenant vanished.");
        await tenants.UpdateAsync(current with { DemoDataSeededAt = clock.GetUtcNow() }, version, cancellationToken);
        log.LogInformation("Demo data seeded: {Departments} departments, {Users} users; {Parts}", summary.Departments, summary.Users,
            string.Join("; ", summary.Parts.Select(p => p.Description)));
        return summary;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Announce(string password, DemoSummary? data)
    {
        var address = services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? configuration["urls"] ?? "";
        Console.WriteLine($$"""

            CRM is running.
              API:        {{address}}/api/v1
              Reference:  {{address}}/docs   (OpenAPI: {{address}}/openapi/v1.json)
              Sign in:    POST {{address}}/api/v1/auth/token  {"tenant":"{{Slug}}","login":"admin","password":"{{password}}"}
            """);
        Console.WriteLine(data is null ? "" : $"""
              Demo data:  {string.Join(";\n              ", data.Parts.Select(p => p.Description))};
                          {data.Users} colleagues (e.g. sales manager "zhou.min", sales rep "li.lei") sign in with the same password.

            """);
    }

    private static string GeneratePassword() => "Demo-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
