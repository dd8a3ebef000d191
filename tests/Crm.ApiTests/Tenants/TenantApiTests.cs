using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Infrastructure;

namespace Crm.ApiTests.Tenants;

public sealed class TenantApiTests(CrmApp app) : IClassFixture<CrmApp>
{
    private static object Body(string slug, string password = "Admin-Password-1") => new
    {
        name = "Company " + slug,
        slug,
        adminLogin = "admin@" + slug + ".test",
        adminPassword = password,
        adminName = "Admin",
    };

    private HttpClient Platform(string? key = CrmApp.PlatformKey)
    {
        var client = app.CreateClient();
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Platform-Key", key);
        }
        return client;
    }

    private static string NewSlug() => "co-" + Api.Stamp();

    [Fact]
    public async Task CreatesTenantWithOfficeAndSuperAdminWhenPlatformKeyIsRight()
    {
        var slug = NewSlug();
        var response = await Platform().PostAsJsonAsync("/api/v1/tenants", Body(slug));
        var created = await response.ExpectAsync(HttpStatusCode.Created);

        var tenant = created.GetProperty("tenant");
        Assert.Equal(slug, tenant.Str("slug"));
        Assert.Equal($"/api/v1/tenants/{tenant.Id()}", response.Headers.Location?.OriginalString);

        var admin = await (await app.CreateClient().PostAsJsonAsync("/api/v1/auth/token",
            new { tenant = slug, login = "admin@" + slug + ".test", password = "Admin-Password-1" })).ExpectAsync(HttpStatusCode.OK);
        var client = app.ClientWithToken(admin.Str("accessToken"));
        var me = await client.GetJsonAsync("/api/v1/me");
        Assert.Equal(created.Str("adminUserId"), me.Id());
        Assert.True(me.GetProperty("isSuperAdmin").GetBoolean());
        Assert.Equal(tenant.Str("officeDepartmentId"), me.Str("departmentId"));
        var office = await client.GetJsonAsync($"/api/v1/departments/{tenant.Str("officeDepartmentId")}");
        Assert.Equal("Office", office.Str("name"));
    }

    [Theory]
    [InlineData("wrong-platform-key")]
    [InlineData("")]
    [InlineData(null)]
    public async Task RefusesTenantCreationWithoutTheRightPlatformKey(string? key)
    {
        var slug = NewSlug();
        var response = await Platform(key).PostAsJsonAsync("/api/v1/tenants", Body(slug));
        await response.ExpectProblemAsync(HttpStatusCode.Unauthorized, "platform.invalid_key");

        // Nothing was created: the slug is still free.
        await (await Platform().PostAsJsonAsync("/api/v1/tenants", Body(slug))).ExpectAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task RefusesDuplicateSlug()
    {
        var slug = NewSlug();
        await (await Platform().PostAsJsonAsync("/api/v1/tenants", Body(slug))).ExpectAsync(HttpStatusCode.Created);
        var again = await Platform().PostAsJsonAsync("/api/v1/tenants", Body(slug));
        await again.ExpectProblemAsync(HttpStatusCode.Conflict, "tenant.slug_taken");

        // Case does not make a slug new.
        var upper = await Platform().PostAsJsonAsync("/api/v1/tenants", Body(slug.ToUpperInvariant()));
        await upper.ExpectProblemAsync(HttpStatusCode.Conflict, "tenant.slug_taken");
    }

    [Theory]
    [InlineData("a b c")]
    [InlineData("-starts-with-dash")]
    [InlineData("ends-with-dash-")]
    [InlineData("under_score")]
    [InlineData("ab")]
    public async Task RefusesInvalidSlug(string slug)
    {
        var response = await Platform().PostAsJsonAsync("/api/v1/tenants", Body(slug));
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Contains("slug", problem.ErrorFields());
    }

    [Theory]
    [InlineData("short", "password.policy")]
    [InlineData("", "validation.failed")]
    public async Task RefusesWeakAdminPassword(string password, string code)
    {
        var response = await Platform().PostAsJsonAsync("/api/v1/tenants", Body(NewSlug(), password));
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, code);
        Assert.Contains("adminPassword", problem.ErrorFields());
    }

    [Fact]
    public async Task RefusesAdminPasswordEqualToLogin()
    {
        var slug = NewSlug();
        var response = await Platform().PostAsJsonAsync("/api/v1/tenants", new
        {
            name = "Company",
            slug,
            adminLogin = "admin-" + slug,
            adminPassword = "ADMIN-" + slug,
            adminName = "Admin",
        });
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "password.policy");
        Assert.Contains("adminPassword", problem.ErrorFields());
    }

    [Fact]
    public async Task InvalidAdminLoginCreatesNothing()
    {
        var slug = NewSlug();
        var response = await Platform().PostAsJsonAsync("/api/v1/tenants", new
        {
            name = "First Try",
            slug,
            adminLogin = "1 not a login",
            adminPassword = "Admin-Password-1",
            adminName = "Admin",
        });
        var problem = await response.ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");

        // Bad input changes nothing: the slug is free and a new sign-up starts from scratch.
        var created = await (await Platform().PostAsJsonAsync("/api/v1/tenants", new
        {
            name = "Second Try",
            slug,
            adminLogin = "admin@" + slug + ".test",
            adminPassword = "Admin-Password-1",
            adminName = "Admin",
            currency = "EUR",
        })).ExpectAsync(HttpStatusCode.Created);
        Assert.Equal("Second Try", created.GetProperty("tenant").Str("name"));
        Assert.Equal("EUR", created.GetProperty("tenant").Str("currency"));
        Assert.Equal(["adminLogin"], problem.ErrorFields());
    }

    [Theory]
    [InlineData("currency", "EURO")]
    [InlineData("timeZone", "Mars/Olympus_Mons")]
    public async Task RefusesInvalidCurrencyOrTimeZone(string field, string value)
    {
        var slug = NewSlug();
        var body = new Dictionary<string, object?>
        {
            ["name"] = "Company",
            ["slug"] = slug,
            ["adminLogin"] = "admin@" + slug + ".test",
            ["adminPassword"] = "Admin-Password-1",
            ["adminName"] = "Admin",
            [field] = value,
        };
        var problem = await (await Platform().PostAsJsonAsync("/api/v1/tenants", body)).ExpectProblemAsync(HttpStatusCode.BadRequest, "validation.failed");
        Assert.Equal([field], problem.ErrorFields());
    }

    [Fact]
    public async Task TenantsDoNotSeeEachOthersDepartments()
    {
        var a = await app.NewTenantAsync();
        var b = await app.NewTenantAsync();
        await a.CreateDepartmentAsync("Only In A");
        var listOfB = await b.Admin.ListAllAsync("/api/v1/departments");
        Assert.DoesNotContain(listOfB, d => d.Str("name") == "Only In A");
        Assert.Single(listOfB);
    }
}

/// <summary>The host without CRM_PLATFORM_KEY: tenant sign-up does not exist.</summary>
public sealed class NoPlatformKeyApp : CrmApp
{
    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["CRM_PLATFORM_KEY"] = "" };
}

public sealed class TenantEndpointOffTests(NoPlatformKeyApp app) : IClassFixture<NoPlatformKeyApp>
{
    [Fact]
    public async Task TenantCreationIsNotFoundWithoutPlatformKeySetting()
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Add("X-Platform-Key", "");
        var slug = "co-" + Api.Stamp();
        var response = await client.PostAsJsonAsync("/api/v1/tenants", new
        {
            name = "Company",
            slug,
            adminLogin = "admin@" + slug + ".test",
            adminPassword = "Admin-Password-1",
            adminName = "Admin",
        });
        await response.ExpectProblemAsync(HttpStatusCode.NotFound, "route.not_found");
    }
}
