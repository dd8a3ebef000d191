using System.Net;
using System.Net.Http.Json;
using Crm.ApiTests.Access;
using Crm.ApiTests.Infrastructure;
using Crm.Domain.Access;

namespace Crm.ApiTests.Attachments;

public sealed class DocumentLibraryTests(AttachmentApp app) : IClassFixture<AttachmentApp>
{
    [Fact]
    public async Task FoldersAreCreatedRenamedMovedListedAndDeletedOnlyWhenEmpty()
    {
        var tenant = await app.NewTenantAsync();
        var contracts = await tenant.Admin.PostJsonAsync("/api/v1/document-folders", new { name = "Contracts" }, HttpStatusCode.Created);
        var y2026 = await tenant.Admin.PostJsonAsync("/api/v1/document-folders", new { name = "2026", parentId = contracts.Id() }, HttpStatusCode.Created);
        var drafts = await tenant.Admin.PostJsonAsync("/api/v1/document-folders", new { name = "Drafts" }, HttpStatusCode.Created);
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/document-folders", new { name = "2026", parentId = contracts.Id() }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "documentFolder.duplicate_name");
        await (await tenant.Admin.PostAsJsonAsync("/api/v1/document-folders", new { name = "x", parentId = "01aaaaaaaaaaaaaaaaaaaaaaaa" }))
            .ExpectProblemAsync(HttpStatusCode.BadRequest, "documentFolder.parent_not_found");
        var document = await tenant.Admin.AttachAsync("documentFolder", y2026.Id(), AttachmentSetup.Pdf, "Master agreement.pdf");

        var contents = await tenant.Admin.GetJsonAsync($"/api/v1/document-folders/{contracts.Id()}/contents");
        Assert.Equal([y2026.Id()], contents.GetProperty("folders").EnumerateArray().Select(f => f.Id()));
        Assert.Empty(contents.GetProperty("documents").Items());
        Assert.Equal([document.Id()], (await tenant.Admin.GetJsonAsync($"/api/v1/document-folders/{y2026.Id()}/contents")).GetProperty("documents").Ids());

        // Rename and move are patches; a move under itself is refused.
        await (await tenant.Admin.PatchJsonAsync($"/api/v1/document-folders/{contracts.Id()}", new { parentId = y2026.Id() }))
            .ExpectProblemAsync(HttpStatusCode.Conflict, "documentFolder.cycle");
        var moved = await (await tenant.Admin.PatchJsonAsync($"/api/v1/document-folders/{y2026.Id()}", new { name = "Signed 2026", parentId = drafts.Id() }))
            .ExpectAsync(HttpStatusCode.OK);
        Assert.Equal(("Signed 2026", drafts.Id()), (moved.Str("name"), moved.Str("parentId")));
        Assert.Empty((await tenant.Admin.GetJsonAsync($"/api/v1/document-folders/{contracts.Id()}/contents")).GetProperty("folders").EnumerateArray());

        // Only empty folders go.
        await (await tenant.Admin.DeleteAsync($"/api/v1/document-folders/{drafts.Id()}", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "documentFolder.has_children");
        await (await tenant.Admin.DeleteAsync($"/api/v1/document-folders/{y2026.Id()}", null)).ExpectProblemAsync(HttpStatusCode.Conflict, "documentFolder.not_empty");
        await (await tenant.Admin.DeleteAsync($"/api/v1/attachments/{document.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.DeleteAsync($"/api/v1/document-folders/{y2026.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
        await (await tenant.Admin.DeleteAsync($"/api/v1/document-folders/{drafts.Id()}", null)).ExpectAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task TheLibraryHasItsOwnPermissions()
    {
        var tenant = await app.NewTenantAsync();
        var folder = await tenant.Admin.PostJsonAsync("/api/v1/document-folders", new { name = "Handbook" }, HttpStatusCode.Created);
        var document = await tenant.Admin.AttachAsync("documentFolder", folder.Id(), AttachmentSetup.Pdf, "handbook.pdf");
        var (_, reader) = await tenant.NewMemberAsync(null, null, await app.CreateRoleAsync(tenant, DataScope.All, ["documents.view"]));
        var (_, outsider) = await tenant.NewMemberAsync(null, null, await app.CreateRoleAsync(tenant, DataScope.All, ["customers.view"]));

        Assert.Equal(AttachmentSetup.Pdf, await reader.DownloadAsync(document.Id()));
        await (await reader.UploadAsync("documentFolder", folder.Id(), AttachmentSetup.Pdf, "mine.pdf")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await reader.PostAsJsonAsync("/api/v1/document-folders", new { name = "Mine" })).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await outsider.GetAsync($"/api/v1/attachments/{document.Id()}/content")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
        await (await outsider.GetAsync($"/api/v1/document-folders/{folder.Id()}/contents")).ExpectProblemAsync(HttpStatusCode.Forbidden, "permission.denied");
    }
}
