namespace DevOpsProvider.Tests.Infrastructure;

/// <summary>
/// One app, one install key server and one hand-signed installed site, shared by the tests of a class
/// (IClassFixture) whose tests leave the site as they found it.
/// </summary>
public sealed class InstalledAppFixture : IAsyncLifetime
{
    public InstallKeyServer Keys { get; private set; } = null!;

    public TestApp App { get; private set; } = null!;

    public HandSignedJira Jira { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Keys = await InstallKeyServer.StartAsync();
        App = await TestApp.StartAsync(new Dictionary<string, string?> { ["Connect:InstallKeysBaseUrl"] = Keys.BaseUrl });
        Jira = new HandSignedJira(App, Keys);
        await Jira.InstallAsync();
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();
        await Keys.DisposeAsync();
    }
}
