# Debian packages by CPack: `cpack -G DEB` in a build folder (after building it) writes
#   inx_<version>_<arch>.deb         the `inx` program and its data (share/inx); Depends from dpkg-shlibdeps
#   libinx-dev_<version>_<arch>.deb  the headers, the CMake package and inx.pc; Depends on the -dev packages the
#                                    headers include; recommends inx (the default model and sample images)
# tools/check_deb.sh builds, inspects, installs and runs them (a CI step).
set(CPACK_PACKAGE_NAME inx)
set(CPACK_PACKAGE_VENDOR "the inx developers")
set(CPACK_PACKAGE_CONTACT "the inx developers <inx-dev@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "layer-by-layer explanations of convolutional image classifiers (INV)")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL runtime development)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)

set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME inx)
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SHLIBDEPS ON)
# share/inx/tools/fetch_efficientnet.py (the pretrained ImageNet weights) needs PyTorch and pip.
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SUGGESTS "python3-torch, python3-numpy, python3-pip, openmpi-bin")
string(CONCAT CPACK_COMPONENT_RUNTIME_DESCRIPTION
    "layer-by-layer explanations of convolutional image classifiers (INV)\n"
    " The inx program: classify images, cluster feature maps and explain classifiers layer by layer (INV, the "
    "Grad-CAM family), score explanations (deletion, insertion, sanity checks) and aggregate people's labels into "
    "class-level explanations. Ships the default Fashion-MNIST model, sample images and a label demo.")

set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_NAME libinx-dev)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SECTION libdevel)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_RECOMMENDS inx)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_SUGGESTS libopenmpi-dev)  # for inx::mpi (inx/mpi/world.hpp)
set(CPACK_DEBIAN_DEVELOPMENT_PACKAGE_DEPENDS
    "libxtensor-dev, xtl-dev, libdnnl-dev, libspng-dev, libturbojpeg0-dev, libutf8proc-dev, nlohmann-json3-dev, zlib1g-dev, pkg-config")
string(CONCAT CPACK_COMPONENT_DEVELOPMENT_DESCRIPTION
    "header-only C++20 library of inx (INV explanations of CNNs)\n"
    " The inx headers: a compile-time layered CNN whose weights load from PyTorch state_dict exports, clustering "
    "policies for feature maps, the Grad-CAM family, faithfulness metrics and label aggregation. With the CMake "
    "package (find_package(inx)) and pkg-config file (inx.pc).")
include(CPack)
